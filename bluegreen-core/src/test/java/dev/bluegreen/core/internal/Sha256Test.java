package dev.bluegreen.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {

    @Test
    void digest_matchesTheFips180Vectors() {
        // FIPS 180-2, appendix B.1 and the empty message.
        assertThat(hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void digest_isThirtyTwoBytes_andANewArrayEachTime() {
        byte[] input = "bluegreen".getBytes(StandardCharsets.UTF_8);

        byte[] first = Sha256.digest(input);

        assertThat(first).hasSize(32).isEqualTo(Sha256.digest(input)).isNotSameAs(Sha256.digest(input));
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(Sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
