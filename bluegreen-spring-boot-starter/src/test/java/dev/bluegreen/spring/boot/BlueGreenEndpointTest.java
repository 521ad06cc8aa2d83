package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.BlueGreenProxy;
import java.security.Principal;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/** The endpoint's operations, called as Actuator calls them. */
class BlueGreenEndpointTest {

    private final BlueGreen admin = BlueGreen.builder()
            .blue("v1", Backend.of("127.0.0.1", 9001))
            .green("v2", Backend.of("127.0.0.1", 9002))
            .build();
    private final BlueGreenEndpoint endpoint = new BlueGreenEndpoint(admin, BlueGreenProxy.builder(admin).build());

    @AfterEach
    void close() {
        admin.close();
    }

    @Test
    void status_describesBothPools_andTheProxyNotRunning() {
        BlueGreenStatus status = endpoint.status();

        assertThat(status.live()).isEqualTo("blue");
        assertThat(status.generation()).isZero();
        assertThat(status.blue().version()).isEqualTo("v1");
        assertThat(status.green().backends()).containsExactly("127.0.0.1:9002");
        assertThat(status.proxy().listening()).isNull();
    }

    @Test
    void switch_withAReason_recordsItAndTheActor() {
        WebEndpointResponse<Object> response = endpoint.change("switch", "green", "release 2", SecurityContext.NONE);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getBody()).isInstanceOfSatisfying(BlueGreenStatus.class, status -> {
            assertThat(status.live()).isEqualTo("green");
            assertThat(status.reason()).isEqualTo("release 2");
            assertThat(status.actor()).isEqualTo(BlueGreenEndpoint.ACTOR);
            assertThat(status.lastChange()).isEqualTo("switch");
        });
    }

    @Test
    void rollbackAndPromote_byAnAuthenticatedUser_recordTheirName() {
        endpoint.change("switch", "green", null, SecurityContext.NONE);
        SecurityContext alice = new SecurityContext() {
            @Override
            public Principal getPrincipal() {
                return () -> "alice";
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }
        };

        assertThat(endpoint.change("rollback", null, null, alice).getStatus()).isEqualTo(200);
        assertThat(admin.snapshot().live().label()).isEqualTo("blue");
        assertThat(admin.snapshot().actor()).isEqualTo("alice");
        assertThat(endpoint.change("promote", null, "again", alice).getStatus()).isEqualTo(200);
        assertThat(admin.snapshot().live().label()).isEqualTo("green");
    }

    @Test
    void refusedChange_is409_withTheReason() {
        WebEndpointResponse<Object> response = endpoint.change("switch", "blue", null, SecurityContext.NONE);

        assertThat(response.getStatus()).isEqualTo(409);
        assertThat(response.getBody()).isInstanceOfSatisfying(Map.class, body -> {
            assertThat(body.get("refused")).isEqualTo("already_live");
            assertThat((String) body.get("message")).isNotBlank();
        });
        assertThat(admin.snapshot().generation()).isZero();
    }

    @Test
    void badRequests_are400_sayingWhatWasExpected() {
        assertThat(message(endpoint.change("jump", null, null, SecurityContext.NONE)))
                .isEqualTo("verb: 'jump' (expected: switch, promote or rollback)");
        assertThat(message(endpoint.change("switch", null, null, SecurityContext.NONE)))
                .startsWith("to: missing");
        assertThat(message(endpoint.change("switch", "purple", null, SecurityContext.NONE))).contains("purple");
        assertThat(admin.snapshot().generation()).isZero();
    }

    @Test
    void promoteOrRollback_namingAColour_is400_andChangesNothing() {
        // {"to":"blue"} sent to promote while blue is live would otherwise make green live: the opposite of what the
        // caller named. The verbs pick their colour themselves; switch is the one that takes a colour.
        assertThat(message(endpoint.change("promote", "blue", null, SecurityContext.NONE)))
                .isEqualTo("to: 'blue' is taken by switch only (expected: no to; promote makes the idle colour live,"
                        + " rollback the previous one; to name the colour, POST .../switch)");
        endpoint.change("switch", "green", null, SecurityContext.NONE);
        assertThat(message(endpoint.change("rollback", "green", null, SecurityContext.NONE)))
                .startsWith("to: 'green' is taken by switch only");
        assertThat(admin.snapshot().generation()).isEqualTo(1);
    }

    private static String message(WebEndpointResponse<Object> response) {
        assertThat(response.getStatus()).isEqualTo(400);
        return (String) ((Map<?, ?>) response.getBody()).get("message");
    }
}
