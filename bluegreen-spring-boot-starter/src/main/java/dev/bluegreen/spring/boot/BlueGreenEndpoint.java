package dev.bluegreen.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.BlueGreenProxy;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The Actuator endpoint {@code bluegreen}:
 * <ul>
 *   <li>{@code GET /actuator/bluegreen}: the {@link BlueGreenStatus};</li>
 *   <li>{@code POST /actuator/bluegreen/switch} with {@code {"to":"green","reason":"release 42"}},
 *       {@code POST /actuator/bluegreen/promote} and {@code POST /actuator/bluegreen/rollback} (the body, with an
 *       optional {@code reason}, may be left out, but not its JSON content type: Actuator answers 415 without
 *       one): the change, answered with the new status; a refusal (the colour is already live, a guard
 *       failed...) is answered {@code 409} with the reason; a bad request {@code 400} (a {@code to} given to
 *       {@code promote} or {@code rollback} too: they pick the colour themselves).</li>
 * </ul>
 *
 * <p>Each change is recorded with the authenticated user's name as its actor when there is one, else
 * {@value #ACTOR}. Like every Actuator endpoint it is exposed over HTTP only when
 * {@code management.endpoints.web.exposure.include} names it; secure it as you secure the others.
 */
@Endpoint(id = "bluegreen")
public class BlueGreenEndpoint {

    /** The actor recorded for a change made without an authenticated user. */
    public static final String ACTOR = "actuator";

    private final BlueGreen admin;
    private final BlueGreenProxy proxy;

    /**
     * An endpoint over an admin object and the proxy that follows it.
     *
     * @param admin the admin object
     * @param proxy the proxy
     */
    public BlueGreenEndpoint(BlueGreen admin, BlueGreenProxy proxy) {
        this.admin = requireNonNull(admin, "admin");
        this.proxy = requireNonNull(proxy, "proxy");
    }

    /**
     * The status now.
     *
     * @return the status
     */
    @ReadOperation
    public BlueGreenStatus status() {
        return BlueGreenStatus.of(admin.snapshot(), proxy);
    }

    /**
     * Makes a change.
     *
     * @param verb {@code switch}, {@code promote} or {@code rollback}
     * @param to for {@code switch}: the colour to make live; refused (400) with {@code promote} and {@code rollback}
     * @param reason why, recorded in the history; optional
     * @param security who asks
     * @return 200 with the new status; 400 for a bad request; 409 with the reason for a refusal
     */
    @WriteOperation
    public WebEndpointResponse<Object> change(@Selector String verb, @Nullable String to, @Nullable String reason,
                                              SecurityContext security) {
        BlueGreen.Attributed as;
        try {
            as = admin.as(actor(security), reason);
        } catch (IllegalArgumentException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage());
        }
        try {
            RoutingSnapshot changed = switch (verb.toLowerCase(Locale.ROOT)) {
                case "switch" -> as.switchTo(colour(to));
                case "promote" -> noColour(to, as).promote();
                case "rollback" -> noColour(to, as).rollback();
                default -> throw new IllegalArgumentException("verb: '" + verb
                        + "' (expected: switch, promote or rollback)");
            };
            return new WebEndpointResponse<>(BlueGreenStatus.of(changed, proxy));
        } catch (ChangeRefusedException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("refused", e.refusal().name().toLowerCase(Locale.ROOT));
            e.guard().ifPresent(guard -> body.put("guard", guard));
            body.put("message", e.getMessage());
            return new WebEndpointResponse<>(body, 409);
        } catch (IllegalArgumentException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage());
        }
    }

    private static Colour colour(String to) {
        if (to == null) {
            throw new IllegalArgumentException("to: missing (expected: {\"to\":\"blue\"} or {\"to\":\"green\"})");
        }
        return Colour.parse(to);
    }

    /**
     * Refuses a colour given to promote or rollback: each picks the colour it makes live itself, and ignoring a
     * {@code to} that names the other one would move traffic the opposite way from what the caller asked.
     */
    private static BlueGreen.Attributed noColour(String to, BlueGreen.Attributed as) {
        if (to != null) {
            throw new IllegalArgumentException("to: '" + to + "' is taken by switch only (expected: no to; promote"
                    + " makes the idle colour live, rollback the previous one; to name the colour, POST .../switch)");
        }
        return as;
    }

    private static String actor(SecurityContext security) {
        Principal principal = security == null ? null : security.getPrincipal();
        return principal != null && principal.getName() != null && !principal.getName().isBlank()
                ? principal.getName() : ACTOR;
    }

    private static WebEndpointResponse<Object> error(int status, String message) {
        return new WebEndpointResponse<>(Map.of("message", message), status);
    }
}
