package io.syncline.operators.http;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An HTTP delta source: the API it reads and the resources it reads there.
 *
 * @param sourceId configured id of the source, first part of every event id
 * @param api how the API is spoken to
 * @param resources the resources to read, one split each
 * @param allowedTenants tenants accepted; empty accepts every tenant
 */
public record HttpSourceSettings(
        String sourceId,
        HttpApiSettings api,
        List<HttpResource> resources,
        Set<String> allowedTenants)
        implements Serializable {

    public HttpSourceSettings {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(api, "api");
        resources = List.copyOf(resources);
        allowedTenants = Set.copyOf(allowedTenants);
    }

    /** The resource at {@code path}, or null. */
    public HttpResource resource(String path) {
        for (HttpResource resource : resources) {
            if (resource.path().equals(path)) {
                return resource;
            }
        }
        return null;
    }
}
