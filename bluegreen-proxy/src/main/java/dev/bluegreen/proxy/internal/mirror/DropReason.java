package dev.bluegreen.proxy.internal.mirror;

/** Why a request picked for mirroring gave no compared pair; the label is what reports and meters show. */
enum DropReason {
    /** Its loop had as many mirrors in flight as allowed: never sent. */
    OVER_BOUND("over-bound"),
    /** Its body grew past the cap: never sent. */
    BODY_TOO_LARGE("body-too-large"),
    /** No backend of the idle colour took it or answered it whole (none usable, refused, closed, malformed). */
    IDLE_DOWN("idle-down"),
    /** The idle colour had not answered it whole within the timeout. */
    IDLE_SLOW("idle-slow"),
    /** The live answer was the proxy's own error, or was cut short, or the client left. */
    LIVE_FAILED("live-failed"),
    /** The live answer (the idle colour had answered) or the client's request body had not ended within the timeout. */
    LIVE_SLOW("live-slow"),
    /** The live colour changed while it was under way: the colour it went to is live now, or was just drained. */
    SWITCHED("switched");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The name in reports and meters, such as {@code idle-slow}. */
    String label() {
        return label;
    }
}
