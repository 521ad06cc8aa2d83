package dev.bluegreen.proxy.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** gRPC status codes as the proxy reads them, and what a client makes of an HTTP status. */
class GrpcStatusTest {

    @Test
    void grpcStatusValues_parseToTheirCode_andAnythingElseIsUnknown() {
        assertThat(GrpcStatus.parse("0")).isZero();
        assertThat(GrpcStatus.parse(" 14 ")).isEqualTo(14);
        assertThat(GrpcStatus.parse("16")).isEqualTo(16);
        for (String bad : new String[] {"", "17", "-1", "1a", "100", "0x1"}) {
            assertThat(GrpcStatus.parse(bad)).as(bad).isEqualTo(GrpcStatus.UNKNOWN);
        }
        assertThat(GrpcStatus.name(14)).isEqualTo("UNAVAILABLE");
        assertThat(GrpcStatus.name(16)).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void httpStatuses_mapAsGrpcClientsMapThem() {
        assertThat(GrpcStatus.ofHttpStatus(400)).isEqualTo(13);
        assertThat(GrpcStatus.ofHttpStatus(401)).isEqualTo(16);
        assertThat(GrpcStatus.ofHttpStatus(403)).isEqualTo(7);
        assertThat(GrpcStatus.ofHttpStatus(404)).isEqualTo(12);
        for (int unavailable : new int[] {429, 502, 503, 504}) {
            assertThat(GrpcStatus.ofHttpStatus(unavailable)).isEqualTo(GrpcStatus.UNAVAILABLE);
        }
        assertThat(GrpcStatus.ofHttpStatus(500)).isEqualTo(GrpcStatus.UNKNOWN);
    }

    @Test
    void grpcContentTypes_areRecognised_andLookalikesAreNot() {
        for (String grpc : new String[] {"application/grpc", "application/grpc+proto", "Application/GRPC;x=1"}) {
            assertThat(GrpcHeaders.isGrpc(headers(grpc))).as(grpc).isTrue();
        }
        for (String other : new String[] {"application/grpc-web", "application/grpcx", "application/json"}) {
            assertThat(GrpcHeaders.isGrpc(headers(other))).as(other).isFalse();
        }
        assertThat(GrpcHeaders.isGrpc(new DefaultHttpHeaders())).isFalse();
    }

    private static HttpHeaders headers(String contentType) {
        return new DefaultHttpHeaders().set("content-type", contentType);
    }
}
