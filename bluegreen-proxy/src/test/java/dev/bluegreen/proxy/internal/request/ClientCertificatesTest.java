package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a certificate's names are written into {@code X-Forwarded-Client-Cert}: never breaking the head or a value. */
class ClientCertificatesTest {

    private static String value(String name) {
        return ClientCertificates.value(new StringBuilder(), name).toString();
    }

    @Test
    void plainNames_areWrittenAsTheyAre() {
        assertThat(value("api.example.com")).isEqualTo("api.example.com");
        assertThat(value("spiffe://example.org/ns/prod/sa/web")).isEqualTo("spiffe://example.org/ns/prod/sa/web");
    }

    @Test
    void separatorsQuotesAndSpaces_areQuoted_withQuoteAndBackslashEscaped() {
        assertThat(value("CN=a,O=b")).isEqualTo("\"CN=a,O=b\"");
        assertThat(value("a;b")).isEqualTo("\"a;b\"");
        assertThat(value("say \"hi\\\"")).isEqualTo("\"say \\\"hi\\\\\\\"\"");
        assertThat(value("")).isEqualTo("\"\"");
    }

    @Test
    void controlsAndNonAscii_becomeHexEscapesOfTheirUtf8Bytes_soTheHeadCantBreak() {
        assertThat(value("CN=x\r\nX-Admin: 1")).isEqualTo("\"CN=x\\0d\\0aX-Admin: 1\"");
        assertThat(value("CN=\u00e9t\u00e9")).isEqualTo("\"CN=\\c3\\a9t\\c3\\a9\"");
        assertThat(value("\ud83d\ude00")).as("a surrogate pair is one code point").isEqualTo("\"\\f0\\9f\\98\\80\"");
        assertThat(value("\u0000\u007f")).isEqualTo("\"\\00\\7f\"");
    }

    @Test
    void theSubjectIsAlwaysQuoted() {
        assertThat(ClientCertificates.quoted(new StringBuilder(), "CN=localhost").toString())
                .isEqualTo("\"CN=localhost\"");
    }
}
