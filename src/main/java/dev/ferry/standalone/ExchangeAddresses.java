package dev.ferry.standalone;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.console.ClientAddresses;
import java.io.IOException;

/**
 * The client address of the request that the JDK HTTP server handles on this thread: a filter notes it
 * before Jersey, which handles the request on the same thread, runs.
 */
final class ExchangeAddresses extends Filter implements ClientAddresses {

    private final ThreadLocal<String> address = new ThreadLocal<>();

    @Override
    public String current() {
        String current = address.get();
        return current == null ? "unknown" : current;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        address.set(exchange.getRemoteAddress().getAddress().getHostAddress());
        try {
            chain.doFilter(exchange);
        } finally {
            address.remove();
        }
    }

    @Override
    public String description() {
        return "notes the client address for the console's login throttle";
    }
}
