package dev.bluegreen.proxy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Whether a loopback port accepts connections. */
final class PortProbe {

    private PortProbe() {
    }

    static boolean isRefused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException e) {
            throw new AssertionError("probing port " + port, e);
        }
    }
}
