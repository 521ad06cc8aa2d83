package dev.bluegreen.proxy;

import java.util.concurrent.TimeUnit;

/** A second admin endpoint for a test, closed with try-with-resources. */
final class AdminEndpointFixture {

    private AdminEndpointFixture() {
    }

    /** An endpoint on 127.0.0.1 port 0 for {@code fixture}'s admin object, without a metrics scrape. */
    static Running startWithoutMetrics(ProxyFixture fixture) {
        AdminEndpoint endpoint = AdminEndpoint.builder(fixture.admin).listen("127.0.0.1", 0).build();
        endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
        return new Running(endpoint);
    }

    /** An endpoint that stops when closed. */
    record Running(AdminEndpoint endpoint) implements AutoCloseable {
        int port() {
            return endpoint.port();
        }

        @Override
        public void close() {
            endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }
}
