package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MirrorSettingsTest {

    @Test
    void defaults_safeMethods_64KiBBodies_64InFlight_5sTimeout_contentTypeCompared_noGuard() {
        MirrorSettings settings = MirrorSettings.percent(10);

        assertThat(settings.percent()).isEqualTo(10);
        assertThat(settings.methods()).containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
        assertThat(settings.maxBodySize()).isEqualTo(64 * 1024);
        assertThat(settings.maxInFlightPerLoop()).isEqualTo(64);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.comparedHeaders()).containsExactly("content-type");
        assertThat(settings.markerHeader()).isEqualTo("X-Bluegreen-Mirror");
        assertThat(settings.strippedHeaders()).isEmpty();
        assertThat(settings.guarded()).isFalse();
        assertThat(settings.agreementGuardMinPairs()).isEqualTo(100);
        assertThat(settings.agreementWindow()).isEqualTo(1_000);
        assertThat(settings.maxRoutes()).isEqualTo(50);
        assertThat(settings.maxSamples()).isEqualTo(20);
        assertThat(settings.sampleBodySize()).isEqualTo(512);
    }

    @Test
    void eachWith_returnsACopy_andLeavesTheOriginalAsItWas() {
        MirrorSettings original = MirrorSettings.percent(10);
        MirrorSettings changed = original.withAgreementGuard(0.99).withComparedHeaders("ETag", "Content-Type")
                .withStrippedHeaders("Cookie").withMarkerHeader(null).withPercent(50);

        assertThat(original.guarded()).isFalse();
        assertThat(original.percent()).isEqualTo(10);
        assertThat(changed.guarded()).isTrue();
        assertThat(changed.agreementGuard()).isEqualTo(0.99);
        assertThat(changed.comparedHeaders()).containsExactly("etag", "content-type");
        assertThat(changed.strippedHeaders()).containsExactly("cookie");
        assertThat(changed.markerHeader()).isNull();
        assertThat(changed.percent()).isEqualTo(50);
        assertThatThrownBy(() -> changed.methods().add("POST")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void badValues_areRefused_namingTheSettingAndWhatWasExpected() {
        MirrorSettings settings = MirrorSettings.percent(10);

        assertThatThrownBy(() -> MirrorSettings.percent(0)).hasMessage("percent: 0.0 (expected: > 0 and <= 100)");
        assertThatThrownBy(() -> MirrorSettings.percent(100.5)).hasMessageContaining("percent: 100.5");
        assertThatThrownBy(() -> settings.withMethods(List.of())).hasMessageContaining("methods: []");
        assertThatThrownBy(() -> settings.withMethods(List.of("GET POST"))).hasMessage(
                "methods: 'GET POST' (expected: a token, e.g. GET)");
        assertThatThrownBy(() -> settings.withMaxBodySize(-1)).hasMessage("maxBodySize: -1 (expected: 0-16777216)");
        assertThatThrownBy(() -> settings.withMaxInFlightPerLoop(0)).hasMessageContaining("maxInFlightPerLoop: 0");
        assertThatThrownBy(() -> settings.withTimeout(Duration.ZERO))
                .hasMessage("timeout: 0s (expected: > 0 and <= 10 minutes)");
        assertThatThrownBy(() -> settings.withStrippedHeaders("Bad Header")).hasMessageContaining(
                "strippedHeaders: 'Bad Header'");
        assertThatThrownBy(() -> settings.withMarkerHeader("Content-Length")).hasMessage("markerHeader:"
                + " 'Content-Length' (expected: a header of its own, e.g. X-Shadow, not one that frames, routes or"
                + " forwards the request)");
        assertThatThrownBy(() -> settings.withMarkerHeader("host")).hasMessageContaining("markerHeader: 'host'");
        assertThatThrownBy(() -> settings.withIgnoredBodyTypes("html")).hasMessageContaining(
                "ignoredBodyTypes: 'html' (expected: a media type");
        assertThatThrownBy(() -> settings.withIgnoredJsonMembers("")).hasMessageContaining("ignoredJsonMembers");
        assertThatThrownBy(() -> settings.withAgreementGuard(0)).hasMessage(
                "agreementGuard: 0.0 (expected: > 0 and <= 1)");
        assertThatThrownBy(() -> settings.withAgreementGuard(1.5)).hasMessageContaining("agreementGuard: 1.5");
        assertThatThrownBy(() -> settings.withAgreementGuard(0.9, 2_000)).hasMessage(
                "agreementGuardMinPairs: 2000 (expected: 1-1000)");
        assertThatThrownBy(() -> settings.withAgreementGuard(0.9, 100).withAgreementWindow(50)).hasMessage(
                "agreementWindow: 50 (expected: 100-1000000)");
        assertThatThrownBy(() -> settings.withRouteTemplates("users/{id}")).hasMessageContaining(
                "routeTemplates: 'users/{id}'");
        assertThatThrownBy(() -> settings.withRouteTemplates("/a/**/b")).hasMessageContaining("** only at the end");
        assertThatThrownBy(() -> settings.withMaxRoutes(0)).hasMessageContaining("maxRoutes: 0");
        assertThatThrownBy(() -> settings.withMaxSamples(-1)).hasMessageContaining("maxSamples: -1");
        assertThatThrownBy(() -> settings.withSampleBodySize(1 << 20)).hasMessageContaining("sampleBodySize");
        assertThatThrownBy(() -> settings.withMaxJsonSize(10)).hasMessageContaining("maxJsonSize: 10");
    }

    @Test
    void aSmallWindowWithoutAGuard_isFine_butAGuardThenNeedsItsPairsToFit() {
        MirrorSettings small = MirrorSettings.percent(10).withAgreementWindow(50);

        assertThat(small.agreementWindow()).isEqualTo(50);
        assertThat(small.withAgreementGuard(0.9, 50).agreementGuardMinPairs()).isEqualTo(50);
        assertThatThrownBy(() -> small.withAgreementGuard(0.9)).hasMessage(
                "agreementGuardMinPairs: 100 (expected: 1-50)");
    }
}
