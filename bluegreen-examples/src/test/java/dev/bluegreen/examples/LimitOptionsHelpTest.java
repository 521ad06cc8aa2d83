package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the {@code proxy} command's help says of its limits, where the wording is a promise the code must keep. */
class LimitOptionsHelpTest {

    @Test
    void maxRequestsPerConnection_saysItLimitsHttp11ConnectionsOnly() {
        String help = Main.commandLine().getSubcommands().get("proxy").getUsageMessage()
                // picocli wraps long descriptions: one line per option is easier to read.
                .replaceAll("\\s+", " ");

        // Only the HTTP/1.1 request validator counts requests; an HTTP/2 connection serves streams without a count.
        assertThat(help).contains("--max-requests-per-connection=N Requests on one HTTP/1.1 client connection",
                "HTTP/2 connections are not limited by count");
    }
}
