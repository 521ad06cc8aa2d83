package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Attribution;
import dev.bluegreen.core.internal.Texts;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One change to the routing state, as a value: what to do, at which generation, who asks and why, and whether the
 * guards are skipped. {@link BlueGreen#apply(ChangeRequest)} applies it; every verb of {@link BlueGreen} is a
 * shorthand for one request.
 *
 * <pre>{@code
 * admin.apply(ChangeRequest.promote().expectingGeneration(7).by("alice", "release 2.3"));
 * admin.applyAsync(ChangeRequest.shift(Colour.GREEN, 20).by("canary-bot", null));
 * }</pre>
 *
 * <p>Start from one of the static factories ({@link #switchTo}, {@link #promote}, {@link #rollback},
 * {@link #shift}, {@link #deploy(Deployment)}); each {@code with}-style method returns a new request. A request
 * applies to any generation, is attributed to {@value #DEFAULT_ACTOR} with a generated reason, and runs the guards,
 * unless told otherwise.
 *
 * <p>Immutable and thread-safe; a request may be kept and applied several times.
 */
public final class ChangeRequest {

    /** As an expected generation: apply the change to whatever the current generation is. */
    public static final long ANY_GENERATION = -1;

    /** The actor of a request that was not given one with {@link #by(String, String)}. */
    public static final String DEFAULT_ACTOR = "app";

    private static final Attribution DEFAULT_ATTRIBUTION = new Attribution(DEFAULT_ACTOR, null);

    private final ChangeKind kind;
    private final Colour target;
    private final int percent;
    private final Deployment deployment;
    private final long expectedGeneration;
    private final Attribution by;
    private final boolean forced;

    private ChangeRequest(ChangeKind kind, Colour target, int percent, Deployment deployment, long expectedGeneration,
                          Attribution by, boolean forced) {
        this.kind = kind;
        this.target = target;
        this.percent = percent;
        this.deployment = deployment;
        this.expectedGeneration = expectedGeneration;
        this.by = by;
        this.forced = forced;
    }

    /**
     * A switch: all new traffic to {@code target}, as {@link BlueGreen#switchTo(Colour)}.
     *
     * @param target the colour to make live
     * @return the request
     * @throws NullPointerException if {@code target} is {@code null}
     */
    public static ChangeRequest switchTo(Colour target) {
        return plain(ChangeKind.SWITCH, requireNonNull(target, "target"), 0, null);
    }

    /**
     * A promotion: the idle colour (whichever it is when the change is applied) becomes live, as
     * {@link BlueGreen#promote()}.
     *
     * @return the request
     */
    public static ChangeRequest promote() {
        return plain(ChangeKind.PROMOTE, null, 0, null);
    }

    /**
     * A rollback to the colour that was live before the last switch or promotion, or the end of a shift under way,
     * as {@link BlueGreen#rollback()}. Runs no guards.
     *
     * @return the request
     */
    public static ChangeRequest rollback() {
        return plain(ChangeKind.ROLLBACK, null, 0, null);
    }

    /**
     * A shift: {@code percent} of new requests to the idle colour {@code target}, as
     * {@link BlueGreen#shift(Colour, int)}. Guards run when {@code percent > 0}.
     *
     * @param target the idle colour
     * @param percent the share of new requests, 0 to 100
     * @return the request
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws IllegalArgumentException if {@code percent} is outside 0 to 100
     */
    public static ChangeRequest shift(Colour target, int percent) {
        requireNonNull(target, "target");
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0-100)");
        }
        return plain(ChangeKind.SHIFT, target, percent, null);
    }

    /**
     * A deployment, as {@link BlueGreen#deploy(Deployment)}; the request's expected generation is the
     * deployment's. Runs no guards.
     *
     * @param deployment the pool to install
     * @return the request
     * @throws NullPointerException if {@code deployment} is {@code null}
     */
    public static ChangeRequest deploy(Deployment deployment) {
        requireNonNull(deployment, "deployment");
        return new ChangeRequest(ChangeKind.DEPLOY, deployment.colour(), 0, deployment,
                deployment.expectedGeneration(), DEFAULT_ATTRIBUTION, false);
    }

    /**
     * A deployment of an idle pool; shorthand for {@code deploy(Deployment.of(colour, version, backends))}.
     *
     * @param colour the pool to replace; must not be live
     * @param version the version label of the new pool
     * @param backends the new backends; may be empty to clear the pool
     * @return the request
     * @throws NullPointerException if an argument or a backend is {@code null}
     * @throws IllegalArgumentException if the version or backends do not make a valid {@link Environment}
     */
    public static ChangeRequest deploy(Colour colour, String version, List<Backend> backends) {
        return deploy(Deployment.of(colour, version, backends));
    }

    private static ChangeRequest plain(ChangeKind kind, Colour target, int percent, Deployment deployment) {
        return new ChangeRequest(kind, target, percent, deployment, ANY_GENERATION, DEFAULT_ATTRIBUTION, false);
    }

    /**
     * This request, refused as {@link ChangeRefusedException.Refusal#STALE_GENERATION stale} unless the routing
     * state is at {@code generation} when it is applied: so that two admins can't both act on the state they read.
     *
     * @param generation the generation the caller decided on, or {@link #ANY_GENERATION}
     * @return a new request
     * @throws IllegalArgumentException if {@code generation} is below {@link #ANY_GENERATION}
     */
    public ChangeRequest expectingGeneration(long generation) {
        requireExpectedGeneration(generation);
        Deployment expecting = deployment != null ? deployment.expectingGeneration(generation) : null;
        return new ChangeRequest(kind, target, percent, expecting, generation, by, forced);
    }

    /**
     * This request, recorded as asked for by {@code actor} for {@code reason}: in the snapshot it makes, or in the
     * {@link RefusedChange} if it is refused, in the log and in what listeners hear.
     *
     * @param actor who is asking; not blank, at most {@value RoutingSnapshot#MAX_ACTOR_LENGTH} characters, no
     *        control characters
     * @param reason why, at most {@value RoutingSnapshot#MAX_REASON_LENGTH} characters, no control characters; or
     *        {@code null} or blank for none, in which case the change records a generated description such as
     *        {@code "switch BLUE -> GREEN"}
     * @return a new request
     * @throws NullPointerException if {@code actor} is {@code null}
     * @throws IllegalArgumentException if {@code actor} or {@code reason} is invalid as described; the message
     *         shows the value, escaped, and what was expected
     */
    public ChangeRequest by(String actor, String reason) {
        return attributed(new Attribution(actor, reason));
    }

    /**
     * This request with its guards skipped, for when the operator knows better than the guards: the snapshot it
     * makes has {@link RoutingSnapshot#forced()} set and a reason that says the guards were skipped. Changes
     * nothing for a rollback or a deployment, which run no guards (to replace the live pool, use
     * {@link Deployment#forced()}).
     *
     * @return a new request
     */
    public ChangeRequest forced() {
        return forced ? this : new ChangeRequest(kind, target, percent, deployment, expectedGeneration, by, true);
    }

    /**
     * What the request does.
     *
     * @return {@link ChangeKind#SWITCH}, {@link ChangeKind#PROMOTE}, {@link ChangeKind#ROLLBACK},
     *         {@link ChangeKind#SHIFT} or {@link ChangeKind#DEPLOY}
     */
    public ChangeKind kind() {
        return kind;
    }

    /**
     * The colour the request names: the one to make live (a switch), to shift to, or to deploy to.
     *
     * @return the colour, or empty for a promotion and a rollback, whose colour depends on the state they are
     *         applied to
     */
    public Optional<Colour> target() {
        return Optional.ofNullable(target);
    }

    /**
     * The share of new requests a shift sends to the idle colour.
     *
     * @return 0 to 100; 0 for the other kinds
     */
    public int percent() {
        return percent;
    }

    /**
     * The pool a deployment installs.
     *
     * @return the deployment, with this request's expected generation, or empty for the other kinds
     */
    public Optional<Deployment> deployment() {
        return Optional.ofNullable(deployment);
    }

    /**
     * The generation the request must be applied to.
     *
     * @return the generation, or {@link #ANY_GENERATION}
     */
    public long expectedGeneration() {
        return expectedGeneration;
    }

    /**
     * Who asks for the change.
     *
     * @return the actor; {@value #DEFAULT_ACTOR} unless {@link #by} named another
     */
    public String actor() {
        return by.actor();
    }

    /**
     * Why, as the caller said.
     *
     * @return the reason, or empty when the change records its generated description
     */
    public Optional<String> reason() {
        return Optional.ofNullable(by.reason());
    }

    /**
     * Whether the guards are skipped ({@link #forced()}).
     *
     * @return {@code true} if they are
     */
    public boolean skipsGuards() {
        return forced;
    }

    /**
     * The request in words, as refusals and logs name it: {@code "switch to GREEN"}, {@code "promote"},
     * {@code "rollback"}, {@code "shift 20% to GREEN"} or {@code "deploy to GREEN"}.
     *
     * @return the description
     */
    public String attempt() {
        return switch (kind) {
            case SWITCH -> "switch to " + target;
            case SHIFT -> "shift " + percent + "% to " + target;
            case DEPLOY -> "deploy to " + target;
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    /** This request attributed as {@code attribution} says; for {@code BlueGreen.as(...)} and {@link #by}. */
    ChangeRequest attributed(Attribution attribution) {
        return new ChangeRequest(kind, target, percent, deployment, expectedGeneration, attribution, forced);
    }

    static void requireExpectedGeneration(long generation) {
        if (generation < ANY_GENERATION) {
            throw new IllegalArgumentException("expectedGeneration: " + generation
                    + " (expected: >= 0, or ANY_GENERATION (" + ANY_GENERATION + "))");
        }
    }

    /**
     * For logs and debugging.
     *
     * @return the attempt, the expected generation, the actor and reason, and whether forced
     */
    @Override
    public String toString() {
        return "ChangeRequest[" + attempt()
                + (expectedGeneration != ANY_GENERATION ? " at generation " + expectedGeneration : "")
                + ", actor=" + Texts.quote(by.actor())
                + ", reason=" + (by.reason() != null ? Texts.quote(by.reason()) : "(generated)")
                + (forced ? ", forced" : "") + "]";
    }
}
