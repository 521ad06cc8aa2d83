package dev.bluegreen.spring.boot;

import dev.bluegreen.proxy.IoTransport;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The refusal of a {@code bluegreen.*} key that names no property of the starter. Boot binds around such a key
 * without a word, so {@code bluegreen.proxy.listn=0.0.0.0:8080} would leave the proxy listening on loopback; this
 * fails the startup instead, naming the key and, when one is close, the property it most likely meant. Stateless.
 *
 * <p>Environment variables are not checked: platforms set some of their own under the prefix (Kubernetes gives every
 * pod {@code BLUEGREEN_PORT}, {@code BLUEGREEN_SERVICE_HOST}... when a Service is named {@code bluegreen}).
 */
final class UnknownProperties {

    private static final String PREFIX = "bluegreen";
    /** Edits (a letter added, left out or changed) within which a known property is offered as the one meant. */
    private static final int MAX_EDITS = 2;

    private UnknownProperties() {
    }

    /**
     * Binds the {@code bluegreen.*} properties as the auto-configuration will, and refuses the keys left over.
     *
     * @param environment the application's environment
     * @throws UnknownPropertiesException naming each key that is no property
     * @throws BindException if a value can't be converted, as Boot's own binding would report it
     */
    static void refuse(Environment environment) {
        Set<ConfigurationPropertyName> known = new HashSet<>();
        // The binder offers the handler each property it looks for below a group that holds any key: the known
        // names a misspelled key is compared with.
        BindHandler recordKnown = new BindHandler() {
            @Override
            public <T> Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
                known.add(name);
                return target;
            }
        };
        BindHandler handler = new NoUnboundElementsBindHandler(recordKnown, UnknownProperties::checked);
        try {
            Binder.get(environment).bind(PREFIX, Bindable.ofInstance(new BlueGreenProperties()), handler);
        } catch (BindException e) {
            if (!(e.getCause() instanceof UnboundConfigurationPropertiesException unbound)) {
                throw e;
            }
            // A property the binder looked for is known even when left unbound: an empty value, as a placeholder
            // with an empty default gives, binds to nothing and keeps the default on purpose.
            List<ConfigurationProperty> unknown = unbound.getUnboundProperties().stream()
                    .filter(property -> !known.contains(property.getName()) && !readByTheProxy(property))
                    .toList();
            if (!unknown.isEmpty()) {
                throw refusal(unknown, known);
            }
        }
    }

    private static boolean checked(ConfigurationPropertySource source) {
        return !(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource);
    }

    /** {@code -Dbluegreen.transport}: read by the proxy itself from the JVM's system properties. */
    private static boolean readByTheProxy(ConfigurationProperty property) {
        return property.getName().toString().equals(IoTransport.PROPERTY)
                && property.getSource() != null
                && property.getSource().getUnderlyingSource() instanceof PropertySource<?> source
                && StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(source.getName());
    }

    private static UnknownPropertiesException refusal(List<ConfigurationProperty> unknown,
                                                      Set<ConfigurationPropertyName> known) {
        ConfigurationProperty first = unknown.get(0);
        String name = first.getName().toString();
        String meant = name.equals(IoTransport.PROPERTY) ? "bluegreen.proxy.transport"
                : meant(first.getName(), known).orElse(null);
        StringBuilder message = new StringBuilder(name).append(where(first)).append(" is not a bluegreen property");
        if (name.equals(IoTransport.PROPERTY)) {
            message.append(" (expected: bluegreen.proxy.transport; the proxy reads bluegreen.transport only from the"
                    + " JVM's system properties, as -Dbluegreen.transport)");
        } else if (meant != null) {
            message.append(" (did you mean ").append(meant).append("?)");
        }
        if (unknown.size() > 1) {
            message.append("; nor is ").append(unknown.stream().skip(1)
                    .map(property -> property.getName() + where(property)).collect(Collectors.joining(", ")));
        }
        message.append(". Boot alone would ignore such a key and keep the default.");
        return new UnknownPropertiesException(message.toString(), meant);
    }

    /** Where a key was set, as in {@code (class path resource [application.yml] - 14:15)}; the value is left out. */
    private static String where(ConfigurationProperty property) {
        return property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")";
    }

    /**
     * The known property closest to {@code unknown}: a known name within {@link #MAX_EDITS} of the key's first as
     * many elements, followed by the key's remaining elements ({@code bluegreen.helth.enabled} against the known
     * group {@code bluegreen.health}: {@code bluegreen.health.enabled}).
     */
    private static Optional<String> meant(ConfigurationPropertyName unknown,
                                                    Set<ConfigurationPropertyName> known) {
        String best = null;
        int bestEdits = MAX_EDITS + 1;
        for (ConfigurationPropertyName candidate : known) {
            int elements = candidate.getNumberOfElements();
            if (elements > unknown.getNumberOfElements() || elements < 2) {
                continue;
            }
            ConfigurationPropertyName head = unknown.chop(elements);
            int edits = edits(head.toString(), candidate.toString());
            String suggestion = candidate + unknown.toString().substring(head.toString().length());
            // Closer first; at the same distance, the longer (more precise) name.
            boolean better = edits < bestEdits || (edits == bestEdits && best != null
                    && suggestion.length() > best.length());
            if (edits <= MAX_EDITS && better && !suggestion.equals(unknown.toString())) {
                best = suggestion;
                bestEdits = edits;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance: the letters to add, leave out or change to turn one into the other. */
    private static int edits(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int change = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(change, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
