package dev.bluegreen.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DrillRequestTest {

    @Test
    void parse_pathAlone_isAGet() {
        assertThat(DrillRequest.parse("/health")).isEqualTo(DrillRequest.get("/health"));
    }

    @Test
    void parse_methodAndPath_upperCasesTheMethod() {
        DrillRequest request = DrillRequest.parse("post /orders?x=1");

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/orders?x=1");
        assertThat(request).hasToString("POST /orders?x=1");
    }

    @Test
    void parse_aPathWithASpace_isRefusedAsAPath_notReadAsAMethod() {
        assertThatThrownBy(() -> DrillRequest.parse("/a b")).hasMessageStartingWith("path: '/a b'");
        assertThatThrownBy(() -> DrillRequest.parse("GET /a b")).hasMessageStartingWith("path: '/a b'");
    }

    @Test
    void withBody_setsTheContentType() {
        DrillRequest request = DrillRequest.of("PUT", "/a").withBody("text/plain", "hello");

        assertThat(request.body()).isEqualTo("hello");
        assertThat(request.headers()).containsEntry("Content-Type", "text/plain");
    }

    @Test
    void badParts_areRefusedWithTheValue() {
        assertThatThrownBy(() -> DrillRequest.get("http://example/a")).hasMessageStartingWith(
                "path: 'http://example/a' (expected: an origin-form path");
        assertThatThrownBy(() -> DrillRequest.get("/a b")).hasMessageStartingWith("path: '/a b'");
        assertThatThrownBy(() -> DrillRequest.of("GE T", "/")).hasMessageStartingWith("method: 'GE T'");
        assertThatThrownBy(() -> DrillRequest.get("/").withHeader("X-A", "1\r\nX-B: 2"))
                .hasMessageContaining("header X-A: a value with CR, LF or NUL");
    }
}
