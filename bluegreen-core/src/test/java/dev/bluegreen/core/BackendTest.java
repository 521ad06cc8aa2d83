package dev.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendTest {

    @Test
    void of_usesTheAuthorityAsIdAndWeightOne() {
        Backend backend = Backend.of("app.internal", 8080);

        assertThat(backend.host()).isEqualTo("app.internal");
        assertThat(backend.port()).isEqualTo(8080);
        assertThat(backend.id()).isEqualTo("app.internal:8080");
        assertThat(backend.weight()).isEqualTo(1);
        assertThat(backend).hasToString("app.internal:8080");
    }

    @Test
    void of_ipv6_bracketsTheAuthorityOnly() {
        Backend bare = Backend.of("::1", 8080);
        Backend bracketed = Backend.of("[::1]", 8080);

        assertThat(bare.host()).isEqualTo("::1");
        assertThat(bare.authority()).isEqualTo("[::1]:8080");
        assertThat(bracketed).isEqualTo(bare);
    }

    @Test
    void constructor_keepsACustomIdAndWeight() {
        Backend backend = new Backend("10.0.0.1", 9000, "blue-a", 250);

        assertThat(backend.id()).isEqualTo("blue-a");
        assertThat(backend.weight()).isEqualTo(250);
        assertThat(backend.authority()).isEqualTo("10.0.0.1:9000");
        assertThat(backend).hasToString("blue-a");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void constructor_portOutOfRange_namesThePort(int port) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.of("localhost", port))
                .withMessage("port: " + port + " (expected: 1-65535)");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1001})
    void constructor_weightOutOfRange_namesTheWeight(int weight) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backend("localhost", 80, "a", weight))
                .withMessage("weight: " + weight + " (expected: 1-1000)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "a/b", "tab\there", "nul\u0000", "[::1", "a]"})
    void constructor_badHost_namesTheHost(String host) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.of(host, 80))
                .withMessageStartingWith("host: '")
                .withMessageContaining("expected:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.internal:8080", "10.0.0.1:8080", "dead:beef", ":::", "fe80::1%", "::1%a b",
                            "user@app", "app?x", "app#x", "app\\x", "app%20"})
    void constructor_hostThatIsNotANameOrAddress_isRefusedNamingIt(String host) {
        // Each was taken and became an authority such as "[app.internal:8080]:80" or "user@app:80", which fails (or
        // means something else) only at the first connect.
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.of(host, 80))
                .withMessageStartingWith("host: '" + host + "' (expected: a");
    }

    @Test
    void constructor_hostLongerThanADnsName_isRefused() {
        assertThat(Backend.of("a".repeat(Backend.MAX_HOST_LENGTH), 80).host()).hasSize(Backend.MAX_HOST_LENGTH);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.of("a".repeat(Backend.MAX_HOST_LENGTH + 1), 80))
                .withMessageContaining("at most 253 characters");
    }

    @Test
    void constructor_idBeyondTheLimit_isRefusedShowingItsLength() {
        String longest = "i".repeat(Backend.MAX_ID_LENGTH);
        assertThat(new Backend("app", 80, longest, 1).id()).isEqualTo(longest);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backend("app", 80, longest + "i", 1))
                .withMessageContaining("(301 characters; expected: not blank, at most 300 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::1", "::ffff:10.0.0.1", "fe80::1%eth7", "FE80::1", "backend_1.svc", "10.0.0.1"})
    void constructor_namesAndAddresses_accepted(String host) {
        assertThat(Backend.of(host, 80).host()).isEqualTo(host);
    }

    @Test
    void constructor_controlCharacterInHost_isEscapedInTheMessage() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.of("evil\nhost", 80))
                .withMessageStartingWith("host: 'evil\\u000ahost'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "a\u0007"})
    void constructor_badId_namesTheId(String id) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backend("localhost", 80, id, 1))
                .withMessageStartingWith("id: '");
    }

    @Test
    void constructor_nulls_nameTheComponent() {
        assertThatNullPointerException().isThrownBy(() -> new Backend(null, 80, "a", 1)).withMessage("host");
        assertThatNullPointerException().isThrownBy(() -> new Backend("h", 80, null, 1)).withMessage("id");
    }

    @Test
    void parse_hostAndPort() {
        assertThat(Backend.parse("example.com:443")).isEqualTo(Backend.of("example.com", 443));
        assertThat(Backend.parse(" 10.0.0.1:8080 ")).isEqualTo(Backend.of("10.0.0.1", 8080));
    }

    @Test
    void parse_bracketedIpv6() {
        Backend backend = Backend.parse("[::1]:8080");

        assertThat(backend.host()).isEqualTo("::1");
        assertThat(backend.port()).isEqualTo(8080);
        assertThat(backend.authority()).isEqualTo("[::1]:8080");
        assertThat(backend.id()).isEqualTo("[::1]:8080");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "localhost:", ":8080", "host:port", "host:+80", "host:-1",
                            "host:123456", "::1:8080", "[::1]", "[::1]8080", "[::1:8080", "a b:80"})
    void parse_malformed_namesTheText(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.parse(text))
                .withMessageStartingWith("backend: '" + text + "'");
    }

    @Test
    void parse_aWeight() {
        assertThat(Backend.parse("10.0.0.1:8080 weight=3"))
                .isEqualTo(new Backend("10.0.0.1", 8080, "10.0.0.1:8080", 3));
        assertThat(Backend.parse(" [::1]:80\tweight=1000 ").weight()).isEqualTo(1000);
        assertThat(Backend.parseList("10.0.0.1:8080 weight=2, 10.0.0.2:8080")).extracting(Backend::weight)
                .containsExactly(2, 1);
    }

    @Test
    void parse_aLimitOfRequestsUnderWay_inEitherOrderWithTheWeight() {
        assertThat(Backend.parse("10.0.0.1:8080 max=200"))
                .isEqualTo(new Backend("10.0.0.1", 8080, "10.0.0.1:8080", 1, 200));
        assertThat(Backend.parse("10.0.0.1:8080  max=5 weight=3"))
                .isEqualTo(new Backend("10.0.0.1", 8080, "10.0.0.1:8080", 3, 5));
        assertThat(Backend.parse("[::1]:80 weight=2 max=1000000").maxRequests()).isEqualTo(1_000_000);
        assertThat(Backend.parse("10.0.0.1:8080").maxRequests()).as("no limit").isZero();
        assertThat(Backend.of("10.0.0.1", 80).withMaxRequests(7))
                .isEqualTo(new Backend("10.0.0.1", 80, "10.0.0.1:80", 1, 7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h:80 max=0", "h:80 max=1000001", "h:80 max=", "h:80 max=-1", "h:80 max=2 max=3",
                            "h:80 weight=2 weight=2", "h:80 maximum=3"})
    void parse_aBadLimit_saysWhatIsExpected(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.parse(text))
                .withMessageContaining(text).withMessageContaining("max=N with N of 1-1000000, each at most once");
    }

    @Test
    void maxRequests_outOfRange_isRefusedNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Backend("h", 80, "h", 1, -1))
                .withMessage("maxRequests: -1 (expected: 0-1000000; 0 for no limit)");
        assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("h", 80).withMaxRequests(1_000_001))
                .withMessageContaining("maxRequests: 1000001");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h:80 weight=0", "h:80 weight=1001", "h:80 weight=", "h:80 weight=+3", "h:80 w=3",
                            "h:80 weight=3 x", "h:80 weight=99999"})
    void parse_aBadWeight_saysWhatIsExpected(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.parse(text))
                .withMessage("backend: '" + text + "' (expected: host:port, optionally followed by weight=N with N"
                        + " of 1-1000 and max=N with N of 1-1000000, each at most once)");
    }

    @Test
    void parse_portOutOfRange_namesTheTextAndThePort() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.parse("localhost:70000"))
                .withMessage("backend: 'localhost:70000' is invalid: port: 70000 (expected: 1-65535)");
    }

    @Test
    void parseList_keepsTheOrder() {
        assertThat(Backend.parseList("10.0.0.1:8080, 10.0.0.2:8080,[::1]:9000"))
                .containsExactly(Backend.of("10.0.0.1", 8080), Backend.of("10.0.0.2", 8080), Backend.of("::1", 9000));
    }

    @Test
    void parseList_single() {
        assertThat(Backend.parseList("localhost:80")).containsExactly(Backend.of("localhost", 80));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void parseList_blank_isRefused(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.parseList(text))
                .withMessage("backends: '" + text + "' (expected: comma-separated host:port items)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a:1,,b:2", "a:1,", ",a:1", "a:1, ,b:2"})
    void parseList_emptyItem_namesTheText(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.parseList(text))
                .withMessageStartingWith("backends: '" + text + "'")
                .withMessageContaining("is empty");
    }

    @Test
    void parseList_badItem_namesTheItem() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.parseList("a:1,b"))
                .withMessageStartingWith("backend: 'b'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a:1,b:2,a:1", "Host:80,host:80"})
    void parseList_duplicate_isRefused(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backend.parseList(text))
                .withMessageStartingWith("backends: '" + text + "'")
                .withMessageContaining("appears more than once");
    }

    @Test
    void parseList_sameHostOtherPort_isNotADuplicate() {
        assertThat(Backend.parseList("a:1,a:2")).hasSize(2);
    }
}
