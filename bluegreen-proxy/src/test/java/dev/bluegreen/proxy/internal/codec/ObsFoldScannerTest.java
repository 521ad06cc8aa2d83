package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ObsFoldScannerTest {

    private final ObsFoldScanner scanner = new ObsFoldScanner();

    private void feed(String text) {
        ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        try {
            int before = bytes.readerIndex();
            scanner.scan(bytes);
            assertThat(bytes.readerIndex()).as("scanning consumes nothing").isEqualTo(before);
        } finally {
            bytes.release();
        }
    }

    @Test
    void findsAFold_evenSplitAcrossReads() {
        scanner.startOfHead();
        feed("GET / HTTP/1.1\r\nX: a\r");
        feed("\n");
        feed("\tb\r\n\r\n");
        assertThat(scanner.found()).isTrue();
    }

    @Test
    void aPlainHead_hasNoFold() {
        scanner.startOfHead();
        feed("GET / HTTP/1.1\r\nHost: x\r\nX: a b\r\n\r\n");
        assertThat(scanner.found()).isFalse();
    }

    @Test
    void theBodyAfterTheHead_isNotScanned() {
        scanner.startOfHead();
        feed("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nbody\r\n xx");
        assertThat(scanner.found()).isFalse();
    }

    @Test
    void emptyLinesBeforeTheRequestLine_doNotEndTheHead() {
        scanner.startOfHead();
        feed("\r\n\r\nGET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n");
        assertThat(scanner.found()).isTrue();
    }

    @Test
    void afterAResetAlone_bytesFromTheMiddleOfAHeadAreNotTakenForAFold() {
        scanner.reset();
        feed(" continued\r\n\r\n");
        assertThat(scanner.found()).isFalse();
    }
}
