package dev.bluegreen.proxy.internal.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTemplatesTest {

    private final RouteTemplates templates = new RouteTemplates(List.of("/users/{id}/orders", "/static/**",
            "/exact"));

    @Test
    void aConfiguredTemplate_matchesByItsSegments_theFirstThatMatchesWins() {
        assertThat(templates.routeOf("/users/alice/orders?page=2")).isEqualTo("/users/{id}/orders");
        assertThat(templates.routeOf("/static/css/site.css")).isEqualTo("/static/**");
        assertThat(templates.routeOf("/static")).isEqualTo("/static/**");
        assertThat(templates.routeOf("/exact")).isEqualTo("/exact");
        assertThat(templates.routeOf("/users/alice/orders/7")).isEqualTo("/users/alice/orders/{id}");
    }

    @Test
    void otherwise_thePathsShape_withIdsWrittenId_andNoQuery() {
        assertThat(templates.routeOf("/items/42?x=1")).isEqualTo("/items/{id}");
        assertThat(templates.routeOf("/items/3f2504e0-4f89-11d3-9a0c-0305e82c3301/parts"))
                .isEqualTo("/items/{id}/parts");
        assertThat(templates.routeOf("/blobs/0123456789abcdef0123")).isEqualTo("/blobs/{id}");
        assertThat(templates.routeOf("/tokens/a1b2c3d4e5f6g7h8i9")).isEqualTo("/tokens/{id}");
        assertThat(templates.routeOf("/about/team")).isEqualTo("/about/team");
        assertThat(templates.routeOf("/v2/about")).isEqualTo("/v2/about");
        assertThat(templates.routeOf("/")).isEqualTo("/");
        assertThat(templates.routeOf("/dir/")).isEqualTo("/dir/");
        assertThat(templates.routeOf("*")).isEqualTo("*");
    }

    @Test
    void aVeryDeepPath_keepsItsFirstSegments() {
        assertThat(templates.routeOf("/a/b/c/d/e/f/g/h/i/j")).isEqualTo("/a/b/c/d/e/f/g/h/…");
    }

    @Test
    void aVeryLongSegment_isAnId_whateverItHolds() {
        assertThat(templates.routeOf("/search/" + "word".repeat(11))).isEqualTo("/search/{id}");
    }
}
