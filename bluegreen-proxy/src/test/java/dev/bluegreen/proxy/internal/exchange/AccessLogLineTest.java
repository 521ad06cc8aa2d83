package dev.bluegreen.proxy.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.RequestHead;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class AccessLogLineTest {

    private static RequestHead head(String target, ClientProtocol protocol) {
        return RequestHead.of(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target, false), protocol);
    }

    @Test
    void aLine_hasEveryField_inOrder() {
        String line = AccessLog.line("203.0.113.7", head("/orders", ClientProtocol.HTTP_1), 201, 512, 3_104_999,
                Colour.GREEN, new Backend("10.0.0.2", 8080, "green-1", 1));

        assertThat(line).isEqualTo("203.0.113.7 \"POST /orders HTTP/1.1\" 201 512 3.104ms green green-1");
    }

    @Test
    void aCutResponse_andNoBackend_areDashes_andHttp2SaysSo() {
        String line = AccessLog.line("::1", head("/", ClientProtocol.HTTP_2), 0, 0, 12_000, Colour.BLUE, null);

        assertThat(line).isEqualTo("::1 \"POST / HTTP/2\" - 0 0.012ms blue -");
    }

    @Test
    void aTargetThatCouldForgeALineOrAField_isEscaped() {
        StringBuilder escaped = new StringBuilder();

        AccessLog.escape("/a\"b\\c\r\nX\u00e9\u2028", escaped);

        assertThat(escaped.toString()).isEqualTo("/a\\x22b\\x5Cc\\x0D\\x0AX\\xE9\\u2028");
    }
}
