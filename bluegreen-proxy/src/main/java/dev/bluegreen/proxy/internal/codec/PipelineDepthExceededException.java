package dev.bluegreen.proxy.internal.codec;

import io.netty.handler.codec.DecoderException;

/**
 * The failed {@code decoderResult()} of a request decoded while {@link Http1ServerCodec#MAX_PIPELINE_DEPTH} others
 * were still waiting for their responses. The request is well formed: it is refused for the proxy's capacity, not
 * for its bytes, so whoever answers it answers with a status that says so rather than {@code 400}.
 */
public final class PipelineDepthExceededException extends DecoderException {

    private static final long serialVersionUID = 1L;

    PipelineDepthExceededException(int depth) {
        super("too many pipelined requests: at most " + depth + " may wait for their responses");
    }

    /** No stack trace: the refusal comes from the client's input, and the message says all there is. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
