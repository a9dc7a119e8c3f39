package dev.ferry.standalone;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.ferry.console.ClientAddresses;
import dev.ferry.console.ForwardedFor;
import java.io.IOException;

/**
 * The client of the request that the JDK HTTP server handles on this thread: a filter notes it before Jersey,
 * which handles the request on the same thread, runs.
 */
final class ExchangeAddresses extends Filter implements ClientAddresses {

    private record Client(String address, boolean secure, String host) {
    }

    private final ThreadLocal<Client> client = new ThreadLocal<>();
    private final ForwardedFor forwarded;

    ExchangeAddresses(ForwardedFor forwarded) {
        this.forwarded = forwarded;
    }

    @Override
    public String current() {
        Client current = client.get();
        return current == null ? "unknown" : current.address();
    }

    @Override
    public boolean secure() {
        Client current = client.get();
        return current != null && current.secure();
    }

    @Override
    public String host() {
        Client current = client.get();
        return current == null ? null : current.host();
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String remote = exchange.getRemoteAddress().getAddress().getHostAddress();
        var headers = exchange.getRequestHeaders();
        client.set(new Client(forwarded.client(remote, headers.getFirst("X-Forwarded-For")),
                forwarded.secure(remote, exchange instanceof HttpsExchange, headers.getFirst("X-Forwarded-Proto")),
                forwarded.host(remote, headers.getFirst("Host"), headers.getFirst("X-Forwarded-Host"))));
        try {
            chain.doFilter(exchange);
        } finally {
            client.remove();
        }
    }

    @Override
    public String description() {
        return "notes the client of each console request (through a trusted proxy: its X-Forwarded-* headers)";
    }
}
