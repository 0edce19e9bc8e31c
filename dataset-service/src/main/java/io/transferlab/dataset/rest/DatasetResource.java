package io.transferlab.dataset.rest;

import io.transferlab.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;

import io.transferlab.core.dataset.DatasetScanException;
import io.transferlab.dataset.mapping.DatasetRegistration;
import io.transferlab.dataset.mapping.DatasetView;
import io.transferlab.dataset.mapping.ScanResult;
import io.transferlab.dataset.repository.Dataset;
import io.transferlab.dataset.service.DatasetRegistry;
import io.transferlab.platform.rest.ErrorResponses;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.RESEARCHER, Roles.ADMIN})
@Tag(name = "datasets", description = "Registered datasets, their content versions and what their scans found")
public class DatasetResource {

    @Inject
    DatasetRegistry registry;

    @POST
    @RolesAllowed({Roles.RESEARCHER, Roles.ADMIN})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a dataset folder under the storage root: it is scanned (images per class, "
            + "unreadable files) and versioned by content")
    @APIResponse(responseCode = "201", description = "Registered")
    @APIResponse(responseCode = "400", description = "No path, or a path outside the storage root")
    @APIResponse(responseCode = "409", description = "That folder is already registered")
    @APIResponse(responseCode = "422", description = "The folder cannot be used as a dataset (the message says why)")
    public Response register(@Valid @NotNull(message = "a registration body is required") DatasetRegistration registration,
                             @Context UriInfo uri) {
        DatasetRegistry.Scan scan = registry.register(registration.path(), registration.name());
        return Response.created(uri.getAbsolutePathBuilder().path(scan.dataset().id).build())
                .entity(DatasetView.of(scan.dataset())).build();
    }

    @GET
    @Operation(summary = "Every registered dataset")
    public List<DatasetView> all() {
        return Dataset.all().stream().map(DatasetView::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A dataset: its current version (images per class, unreadable files) and earlier versions")
    public DatasetView one(@PathParam("id") @DatasetId String id) {
        Dataset dataset = Dataset.findById(id);
        if (dataset == null) {
            throw new NotFoundException("no dataset '" + id + "'");
        }
        return DatasetView.of(dataset);
    }

    @POST
    @Path("/{id}/scan")
    @RolesAllowed({Roles.RESEARCHER, Roles.ADMIN})
    @Operation(summary = "Scan the dataset again; a new content version publishes DatasetVersionChanged, and the "
            + "studies marked rerunOnChange rerun on it")
    @APIResponse(responseCode = "422", description = "The folder cannot be used any more; the registered version stays")
    public ScanResult rescan(@PathParam("id") @DatasetId String id) {
        DatasetRegistry.Scan scan = registry.rescan(id);
        if (scan == null) {
            throw new NotFoundException("no dataset '" + id + "'");
        }
        return new ScanResult(scan.changed(), scan.previousVersion(), DatasetView.of(scan.dataset()));
    }

    @ServerExceptionMapper
    public Response alreadyRegistered(DatasetRegistry.AlreadyRegisteredException e) {
        return ErrorResponses.of(Response.Status.CONFLICT.getStatusCode(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unusable(DatasetScanException e) {
        return ErrorResponses.of(422, e.getMessage());
    }
}
