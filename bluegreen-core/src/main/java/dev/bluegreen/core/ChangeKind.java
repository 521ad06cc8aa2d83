package dev.bluegreen.core;

/**
 * What made a {@link RoutingSnapshot}: the admin verb that produced it, or {@link #INITIAL} for the first one.
 */
public enum ChangeKind {
    /** The snapshot a store starts with, generation 0. */
    INITIAL,
    /** {@link BlueGreen#switchTo(Colour)}: traffic moved to the named colour. */
    SWITCH,
    /** {@link BlueGreen#promote()}: traffic moved to the idle colour. */
    PROMOTE,
    /** {@link BlueGreen#rollback()}: traffic moved back to the previous live colour. */
    ROLLBACK,
    /** {@link BlueGreen#deploy(Deployment)}: one colour's pool was replaced; the live colour is unchanged. */
    DEPLOY,
    /**
     * {@link BlueGreen#shift(Colour, int)}: a share of new requests goes to the idle colour; the live colour is
     * unchanged.
     */
    SHIFT
}
