package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark's lookups find what its heads hold, and only that. */
class HeaderLookupBenchmarkTest {

    @Test
    void theLookupsFindTheFieldsTheHeadsHave() {
        HeaderLookupBenchmark benchmark = new HeaderLookupBenchmark();
        // Content-Length 2, keep-alive 1, one Connection field, "keep-alive" 10, Connection among the hop-by-hop 1.
        assertThat(benchmark.responseLookups()).isEqualTo(2 + 1 + 1 + 10 + 1);
        // The host's 15 characters; no Content-Length, no hop-by-hop field.
        assertThat(benchmark.requestLookups()).isEqualTo(15);
    }
}
