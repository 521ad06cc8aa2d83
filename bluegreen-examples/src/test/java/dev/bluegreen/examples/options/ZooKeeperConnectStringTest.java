package dev.bluegreen.examples.options;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Connect strings ZooKeeper's client would take, and the ones it would fail on seconds later. */
class ZooKeeperConnectStringTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:2181", "zk1:2181,zk2:2182,zk3", "zk1:2181/bluegreen/prod", "zk1/",
            "[::1]:2181,[fe80::1]", "localhost:65535"})
    void wellFormed_isTaken(String value) {
        assertThatCode(() -> ZooKeeperConnectString.check(value)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:abc      | port 'abc' of server '127.0.0.1:abc' is not a number 1-65535",
            "127.0.0.1:99999    | port '99999' of server '127.0.0.1:99999' is not a number 1-65535",
            "127.0.0.1:0        | port '0' of server '127.0.0.1:0' is not a number 1-65535",
            "zk1:               | port '' of server 'zk1:' is not a number 1-65535",
            ",                  | an empty server between commas",
            "zk1:2181,,zk2:2181 | an empty server between commas",
            "/bluegreen         | no server before the chroot",
            ":2181              | server ':2181' has no host",
            "::1:2181           | server '::1:2181' has more than one ':'",
            "[::1               | server '[::1' is not [IPV6] or [IPV6]:PORT",
            "zk1/bluegreen/     | chroot /bluegreen/: ",
    })
    void malformed_isRefused_namingThePartThatIsWrong(String value, String problem) {
        assertThatThrownBy(() -> ZooKeeperConnectString.check(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + value + "': " + problem)
                .hasMessageEndingWith("(expected: HOST[:PORT][,HOST[:PORT]...][/CHROOT], such as"
                        + " zk1:2181,zk2:2181/bluegreen)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "zk1:2181, zk2:2181"})
    void blankOrWithWhiteSpace_isRefused(String value) {
        assertThatThrownBy(() -> ZooKeeperConnectString.check(value))
                .hasMessageStartingWith("'" + value + "': blank or with white space");
    }
}
