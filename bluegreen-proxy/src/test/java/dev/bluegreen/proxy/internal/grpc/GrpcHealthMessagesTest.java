package dev.bluegreen.proxy.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The hand-made health messages against protobuf's own encoding of the same messages (grpc-services' classes). */
class GrpcHealthMessagesTest {

    private static byte[] framed(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    private static byte[] request(String service) {
        ByteBuf encoded = GrpcHealthMessages.checkRequest(UnpooledByteBufAllocator.DEFAULT, service);
        try {
            return ByteBufUtil.getBytes(encoded);
        } finally {
            encoded.release();
        }
    }

    @Test
    void checkRequest_isProtobufsEncoding_framed() {
        for (String service : new String[] {"", "bluegreen.test.Colours", "ü".repeat(100)}) {
            assertThat(request(service)).as(service)
                    .isEqualTo(framed(HealthCheckRequest.newBuilder().setService(service).build().toByteArray()));
        }
    }

    @Test
    void servingStatus_readsProtobufsEncoding_ofEachStatus() {
        for (HealthCheckResponse.ServingStatus status : new HealthCheckResponse.ServingStatus[] {
                HealthCheckResponse.ServingStatus.UNKNOWN, HealthCheckResponse.ServingStatus.SERVING,
                HealthCheckResponse.ServingStatus.NOT_SERVING, HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN}) {
            byte[] answer = framed(HealthCheckResponse.newBuilder().setStatus(status).build().toByteArray());
            assertThat(GrpcHealthMessages.servingStatus(answer)).as(status.name()).isEqualTo(status.getNumber());
            assertThat(GrpcHealthMessages.statusName(status.getNumber())).isEqualTo(status.name());
        }
    }

    @Test
    void servingStatus_skipsFieldsItDoesNotKnow() {
        // field 2 (length-delimited "ab"), field 3 (fixed64), field 4 (fixed32), field 5 (varint), then status 1.
        byte[] message = {0x12, 2, 'a', 'b', 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4, 0x28, (byte) 0x96, 1,
            0x08, 1};
        assertThat(GrpcHealthMessages.servingStatus(framed(message))).isEqualTo(GrpcHealthMessages.SERVING);
    }

    @Test
    void malformedAnswers_areRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> GrpcHealthMessages.servingStatus(new byte[] {0, 0, 0}))
                .hasMessageContaining("a health answer of 3 bytes");
        assertThatThrownBy(() -> GrpcHealthMessages.servingStatus(new byte[] {1, 0, 0, 0, 2, 8, 1}))
                .hasMessageContaining("compressed");
        assertThatThrownBy(() -> GrpcHealthMessages.servingStatus(new byte[] {0, 0, 0, 0, 3, 8, 1}))
                .hasMessageContaining("announcing 3 bytes in 2");
        assertThatThrownBy(() -> GrpcHealthMessages.servingStatus(framed(new byte[] {0x08, (byte) 0x80})))
                .hasMessageContaining("cut short in a varint");
        assertThatThrownBy(() -> GrpcHealthMessages.servingStatus(framed(new byte[] {0x12, 5, 'a'})))
                .hasMessageContaining("cut short");
        assertThatThrownBy(() -> GrpcHealthMessages.servingStatus(framed(new byte[] {0x0B})))
                .hasMessageContaining("wire type 3");
    }
}
