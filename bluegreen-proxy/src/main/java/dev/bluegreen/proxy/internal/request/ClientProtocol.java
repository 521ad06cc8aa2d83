package dev.bluegreen.proxy.internal.request;

/** The protocol a request came in on: what it may say and how a malformed one is answered. */
public enum ClientProtocol {

    /** HTTP/1.0 or HTTP/1.1 on a connection of its own: a malformed request is answered 400 and the connection closed. */
    HTTP_1,

    /**
     * One stream of an HTTP/2 connection: a malformed request resets its stream with {@code PROTOCOL_ERROR}
     * (RFC 9113 §8.1.1), the connection and its other streams go on.
     */
    HTTP_2
}
