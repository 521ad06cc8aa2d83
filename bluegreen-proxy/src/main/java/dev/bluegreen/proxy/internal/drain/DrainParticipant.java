package dev.bluegreen.proxy.internal.drain;

import dev.bluegreen.core.Colour;
import io.netty.channel.EventLoop;

/** One event loop's share of a drain: what it still has on a colour, closed at the drain deadline. */
public interface DrainParticipant {

    /** The loop whose exchanges and connections these are; {@link #closeColour} runs on it. */
    EventLoop eventLoop();

    /**
     * Closes everything this loop still has on {@code colour}, as gracefully as each protocol allows: its exchanges
     * and their connections, and its idle connections.
     *
     * @return how many exchanges were closed
     */
    int closeColour(Colour colour);
}
