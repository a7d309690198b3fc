package io.ringcast.web.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Holds a request without a thread until what it waits for is there (a blocking playlist reload's part, an on-demand
 * stream's first segment), then dispatches it again to be answered as it then stands; at most {@code timeoutMs},
 * after which it is dispatched all the same. Jakarta servlet API only (Undertow, Tomcat, Jetty alike).
 */
public final class HeldRequest {
    private HeldRequest() {
    }

    /**
     * Starts the async cycle. {@code register} receives the action that ends the wait (run it once from any thread;
     * later runs do nothing) and returns what undoes the registration; that runs once the wait ends, whichever
     * way (ready, timed out, client gone), so nothing stays registered for a request that is over.
     */
    public static void hold(HttpServletRequest request, long timeoutMs, Function<Runnable, Runnable> register) {
        AsyncContext async = request.startAsync();
        async.setTimeout(timeoutMs);
        AtomicBoolean ended = new AtomicBoolean();
        AtomicReference<Runnable> unregister = new AtomicReference<>(() -> { });
        Runnable ready = () -> {
            if (ended.compareAndSet(false, true)) {
                unregister.get().run();
                async.dispatch();
            }
        };
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                ready.run();
            }

            @Override
            public void onComplete(AsyncEvent event) {
                ended.set(true);
                unregister.get().run();
            }

            @Override
            public void onError(AsyncEvent event) {
                onComplete(event);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // The dispatched request may start a cycle of its own (ResponseBody); nothing to carry over.
            }
        });
        unregister.set(register.apply(ready));
    }
}
