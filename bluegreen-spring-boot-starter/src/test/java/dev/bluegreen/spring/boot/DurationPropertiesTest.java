package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.internal.Texts;
import java.beans.PropertyDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.convert.DurationStyle;

/** How a duration appears in a message, as Boot reads it, and the list of duration properties that may not be empty. */
class DurationPropertiesTest {

    @Test
    void durationsInMessages_readBackInBoot_asTheSameDuration() {
        for (Duration duration : List.of(Duration.ofMillis(-1), Duration.ofSeconds(90), Duration.ofMinutes(-61),
                Duration.ofNanos(2_000), Duration.ofNanos(7), Duration.ofDays(3), Duration.ofMillis(1500))) {
            assertThat(DurationStyle.detectAndParse(Texts.duration(duration))).isEqualTo(duration);
        }
    }

    @Test
    void defaults_listEveryDurationPropertyOfTheStarter_withItsDefault() {
        List<String> found = new ArrayList<>();
        collectDurations("bluegreen", BlueGreenProperties.class, found);

        assertThat(DurationProperties.defaults()).containsOnlyKeys(found)
                .containsEntry("bluegreen.proxy.idle-timeout", Duration.ofSeconds(60))
                .containsEntry("bluegreen.proxy.drain-timeout", Duration.ofSeconds(30))
                .containsEntry("bluegreen.health.timeout", Duration.ofSeconds(1));
    }

    /** The {@code Duration} properties of a properties class and of the groups it nests, as Boot names them. */
    private static void collectDurations(String prefix, Class<?> type, List<String> found) {
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
            Class<?> propertyType = property.getPropertyType();
            String name = prefix + "." + kebab(property.getName());
            if (propertyType == Duration.class) {
                found.add(name);
            } else if (propertyType != null && !propertyType.isEnum()
                    && propertyType.getPackageName().equals(BlueGreenProperties.class.getPackageName())) {
                collectDurations(name, propertyType, found);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
