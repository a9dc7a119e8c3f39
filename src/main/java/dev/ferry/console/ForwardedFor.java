package dev.ferry.console;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * What a request says of its client when it comes through a reverse proxy or load balancer that the console
 * trusts ({@code ferry.console.trusted-proxies}, their addresses): the client's address from
 * {@code X-Forwarded-For}, whether it used https from {@code X-Forwarded-Proto}, and the host it asked for from
 * {@code X-Forwarded-Host}. From any other sender these headers are ignored, since a client can write them itself:
 * one client's wrong passwords then count against that client, not against the proxy every user comes through.
 */
public record ForwardedFor(Set<String> trustedProxies) {

    public ForwardedFor {
        trustedProxies = Set.copyOf(trustedProxies);
    }

    public static ForwardedFor from(Config config) {
        return new ForwardedFor(config.getOptionalValue("ferry.console.trusted-proxies", String.class).map(list -> Arrays.stream(list.split(","))
                .map(String::strip).filter(a -> !a.isEmpty()).collect(Collectors.toSet())).orElse(Set.of()));
    }

    /** The client: the nearest address in {@code X-Forwarded-For} that is not a trusted proxy, when the sender is one. */
    public String client(String remote, String forwardedFor) {
        if (!trustedProxies.contains(remote) || forwardedFor == null || forwardedFor.isBlank()) {
            return remote;
        }
        List<String> hops = Arrays.stream(forwardedFor.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (!trustedProxies.contains(hops.get(i)) || i == 0) {
                return hops.get(i);
            }
        }
        return remote;
    }

    /** Whether the client used https: to this server, or to a trusted proxy that says so. */
    public boolean secure(String remote, boolean direct, String forwardedProto) {
        return direct || trustedProxies.contains(remote) && forwardedProto != null
                && forwardedProto.split(",")[0].strip().equalsIgnoreCase("https");
    }

    /** The host (and port) the client asked for: what a trusted proxy says, else the request's Host header. */
    public String host(String remote, String hostHeader, String forwardedHost) {
        return trustedProxies.contains(remote) && forwardedHost != null && !forwardedHost.isBlank()
                ? forwardedHost.split(",")[0].strip() : hostHeader;
    }
}
