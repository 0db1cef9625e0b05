package com.salesstream.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy between a client and MariaDB that, once armed with a marker, holds the server's answers on the first
 * connection that sends a statement containing it (its text, as a query or a statement to prepare), until released:
 * the statement runs, but the client learns of it only then, as when a connection is slow past the client's
 * timeout. Reports how that connection's transaction ended (the COMMIT or ROLLBACK it sends after the release).
 * Reads MySQL's packet framing (3-byte length, sequence id) on the client's side only.
 */
public final class AnswerHoldingProxy implements AutoCloseable {

    private static final int COM_QUERY = 0x03;
    private static final int COM_STMT_PREPARE = 0x16;

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicReference<String> marker = new AtomicReference<>();
    private final CompletableFuture<Void> holding = new CompletableFuture<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();

    public AnswerHoldingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread acceptor = new Thread(this::accept, "answer-holding-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next connection to send a statement containing {@code text} has the server's answers held from then on. */
    public void holdAnswersAfter(String text) {
        marker.set(text);
    }

    /** Completes once a connection's answers are held: its statement reached the server. */
    public CompletableFuture<Void> holding() {
        return holding;
    }

    /** Lets the held connection's answers through. */
    public void release() {
        released.complete(null);
    }

    /** "COMMIT" or "ROLLBACK": how the held connection ended its transaction after the release. */
    public CompletableFuture<String> heldTransactionEnded() {
        return ended;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket mysql = new Socket("127.0.0.1", targetPort);
                AtomicReference<CompletableFuture<Void>> answers = new AtomicReference<>(CompletableFuture.completedFuture(null));
                start(() -> clientToServer(client, mysql, answers));
                start(() -> serverToClient(mysql, client, answers));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void clientToServer(Socket client, Socket mysql, AtomicReference<CompletableFuture<Void>> answers) {
        try (InputStream in = client.getInputStream(); OutputStream out = mysql.getOutputStream()) {
            byte[] header = new byte[4];
            while (readFully(in, header)) {
                int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                byte[] payload = new byte[length];
                if (!readFully(in, payload)) {
                    break;
                }
                String statement = statement(payload);
                String hold = marker.get();
                if (statement != null && hold != null && statement.contains(hold) && marker.compareAndSet(hold, null)) {
                    answers.set(released); // before the statement goes: its answer is held
                    holding.complete(null);
                } else if (statement != null && answers.get() == released) {
                    String word = statement.trim().toUpperCase();
                    if (word.equals("COMMIT") || word.equals("ROLLBACK")) {
                        ended.complete(word);
                    }
                }
                out.write(header);
                out.write(payload);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(client, mysql);
        }
    }

    private static void serverToClient(Socket mysql, Socket client, AtomicReference<CompletableFuture<Void>> answers) {
        try (InputStream in = mysql.getInputStream(); OutputStream out = client.getOutputStream()) {
            byte[] buffer = new byte[16_384];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                answers.get().join();
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(client, mysql);
        }
    }

    /** The SQL text of a query or a statement to prepare; null for any other packet. */
    private static String statement(byte[] payload) {
        if (payload.length < 2 || (payload[0] != COM_QUERY && payload[0] != COM_STMT_PREPARE)) {
            return null;
        }
        return new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8);
    }

    private static boolean readFully(InputStream in, byte[] into) throws IOException {
        int at = 0;
        while (at < into.length) {
            int read = in.read(into, at, into.length - at);
            if (read < 0) {
                return false;
            }
            at += read;
        }
        return true;
    }

    private static void start(Runnable pump) {
        Thread thread = new Thread(pump, "answer-holding-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
    }
}
