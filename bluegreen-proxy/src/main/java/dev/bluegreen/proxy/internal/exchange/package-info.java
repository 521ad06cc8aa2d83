/**
 * One request and its response, from the client side that read it to the backend that answers it.
 *
 * <p>{@link dev.bluegreen.proxy.internal.exchange.Exchange} is the state machine of one request
 * ({@link dev.bluegreen.proxy.internal.exchange.ExchangeState}); a
 * {@link dev.bluegreen.proxy.internal.exchange.ClientSide} (an HTTP/1.1 connection or an HTTP/2 stream, both an
 * {@link dev.bluegreen.proxy.internal.exchange.AbstractClientSide}) starts one per request and gives it the request's
 * body and the client's writability. Beside it: {@link dev.bluegreen.proxy.internal.exchange.UpstreamConnector} gets
 * it a connection (backend choice, retries, the safety net), {@link dev.bluegreen.proxy.internal.exchange.InterimRelay}
 * relays 1xx responses, {@link dev.bluegreen.proxy.internal.exchange.ResponseHeadPolicy} prepares the response head,
 * {@link dev.bluegreen.proxy.internal.exchange.Tunnel} relays an upgraded connection, and
 * {@link dev.bluegreen.proxy.internal.exchange.ExchangeTally} keeps what the metrics record of the request.
 *
 * <p>Each event loop has one {@link dev.bluegreen.proxy.internal.exchange.LoopContext}: its upstream pools, its
 * exchanges under way ({@link dev.bluegreen.proxy.internal.exchange.ActiveExchanges}, which drains and the
 * response-timeout sweep reach) and its {@link dev.bluegreen.proxy.internal.exchange.RetryBudget}. Everything here
 * runs on the client's event loop, which is also its upstream connection's, and takes no lock.
 */
package dev.bluegreen.proxy.internal.exchange;
