package io.transferlab.gateway.rest;

import io.transferlab.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;

import io.transferlab.core.split.StudyPreset;
import io.transferlab.core.study.Strategy;
import io.transferlab.gateway.service.DatasetCatalog;
import io.transferlab.platform.rest.ErrorResponses;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Arrays;
import java.util.List;

/** What a study can be asked for: presets with their sizes, strategies, and the registered datasets (the form's choices). */
@Path("/catalog")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.RESEARCHER, Roles.ADMIN})
@Tag(name = "catalog", description = "The choices a study request has: presets, strategies, registered datasets")
public class CatalogResource {

    public record PresetView(String name, List<String> sizes, int defaultSeeds) {
    }

    public record StrategyView(String id, String description) {
    }

    @Inject
    DatasetCatalog datasets;

    @GET
    @Path("/presets")
    @Operation(summary = "The presets, their training sizes and how many seeds they run by default")
    public List<PresetView> presets() {
        return List.of("seed-2020", "official", "learning-curve").stream().map(StudyPreset::named)
                .map(p -> new PresetView(p.name(), p.sizeNames(), p.defaultSeeds())).toList();
    }

    @GET
    @Path("/strategies")
    @Operation(summary = "The strategies with what each trains")
    public List<StrategyView> strategies() {
        return Arrays.stream(Strategy.values()).map(s -> new StrategyView(s.id(), s.description())).toList();
    }

    @GET
    @Path("/datasets")
    @Operation(summary = "The datasets registered at the dataset-service (503 when it cannot be asked)")
    public List<DatasetCatalog.RegisteredDataset> datasets(@jakarta.ws.rs.HeaderParam("Authorization") String authorization) {
        // the caller's own token goes on to the dataset-service: it decides by the same roles
        return datasets.registered(authorization);
    }

    @ServerExceptionMapper
    public Response unavailable(DatasetCatalog.UnavailableException e) {
        return ErrorResponses.of(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(), e.getMessage());
    }
}
