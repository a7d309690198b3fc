package io.ringcast.ingest.hooks;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads at most {@code maxBytes} of an answer's body, then stops reading (the rest is dropped with the connection):
 * a hook's answer is a status, a header or a short text, and a service that streams cannot make us hold more.
 * Driven by the HTTP client's threads, one at a time.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final byte[] bytes;
    private int length;
    private Flow.Subscription subscription;

    LimitedBody(int maxBytes) {
        this.bytes = new byte[maxBytes];
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer item : items) {
            int n = Math.min(item.remaining(), bytes.length - length);
            item.get(bytes, length, n);
            length += n;
        }
        if (length == bytes.length) {
            subscription.cancel();
            complete();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        complete();
    }

    private void complete() {
        result.complete(new String(bytes, 0, length, StandardCharsets.UTF_8));
    }
}
