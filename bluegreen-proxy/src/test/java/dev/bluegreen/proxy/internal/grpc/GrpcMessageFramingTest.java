package dev.bluegreen.proxy.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Message boundaries of a gRPC body, however its bytes are split into pieces. */
class GrpcMessageFramingTest {

    private static void feed(GrpcMessageFraming framing, int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        feed(framing, bytes);
    }

    private static void feed(GrpcMessageFraming framing, byte[] bytes) {
        ByteBuf piece = Unpooled.wrappedBuffer(bytes);
        framing.advance(piece);
        assertThat(piece.readerIndex()).as("the bytes are not consumed").isZero();
    }

    @Test
    void wholeMessages_endAtABoundary_andPiecesOfOneDoNot() {
        GrpcMessageFraming framing = new GrpcMessageFraming();
        assertThat(framing.atBoundary()).isTrue();
        feed(framing, 0, 0, 0, 0, 3, 'a', 'b', 'c');
        assertThat(framing.atBoundary()).isTrue();

        feed(framing, 0, 0, 0);
        assertThat(framing.atBoundary()).as("inside a prefix").isFalse();
        feed(framing, 1, 4, 'x');
        assertThat(framing.atBoundary()).as("inside a message of 260 bytes").isFalse();
        feed(framing, new byte[258]);
        assertThat(framing.atBoundary()).isFalse();
        feed(framing, 'z', 0, 0, 0, 0, 0);
        assertThat(framing.atBoundary()).as("the 260th byte, then an empty message").isTrue();
    }

    @Test
    void severalMessagesInOnePiece_andOneSpanningTwo() {
        GrpcMessageFraming framing = new GrpcMessageFraming();
        feed(framing, 0, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 2, 'b');
        assertThat(framing.atBoundary()).isFalse();
        feed(framing, 'c');
        assertThat(framing.atBoundary()).isTrue();
    }
}
