package io.ringcast.broadcast.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (servers, publishers, clients), closed after each test, last opened first: a test registers it
 * with {@code @RegisterExtension final CloseAfterEach cleanup = new CloseAfterEach();} and writes
 * {@code server = cleanup.add(...)} instead of an {@code @AfterEach} that checks every field for null. Every resource
 * is closed even when one fails; the first failure is thrown with the others suppressed. Test thread only; a
 * resource closed by the test already is closed again, so its close must allow that.
 */
public final class CloseAfterEach implements AfterEachCallback {
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** Registers {@code resource} and returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Registers every one of {@code all}. */
    public <T extends AutoCloseable> List<T> addAll(List<T> all) {
        resources.addAll(all);
        return all;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (first != null) {
            throw first;
        }
    }
}
