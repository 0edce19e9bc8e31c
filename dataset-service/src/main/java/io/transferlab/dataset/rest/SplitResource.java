package io.transferlab.dataset.rest;

import io.transferlab.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;

import io.transferlab.core.storage.StorageRoot;
import io.transferlab.dataset.repository.SplitFailure;
import io.transferlab.dataset.repository.SplitSet;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

@Path("/splits")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.RESEARCHER, Roles.ADMIN})
@Tag(name = "splits", description = "Training sets published for studies")
public class SplitResource {

    @Inject
    StorageRoot storage;

    public record SplitsOfStudy(String studyId, List<SplitSet> splits, String failure) {
    }

    @GET
    @Operation(summary = "The training sets of a study, or why it could not be split")
    public SplitsOfStudy ofStudy(@QueryParam("studyId") String studyId) {
        if (studyId == null || studyId.isBlank()) {
            throw new BadRequestException("query parameter 'studyId' is required");
        }
        SplitFailure failure = SplitFailure.findById(studyId);
        return new SplitsOfStudy(studyId, SplitSet.ofStudy(studyId), failure == null ? null : failure.reason);
    }

    @GET
    @Path("/{runId}/manifest")
    @Operation(summary = "The manifest file of a training set (train, validation and test file lists)")
    public String manifest(@PathParam("runId") String runId) {
        SplitSet set = SplitSet.findById(runId);
        if (set == null) {
            throw new NotFoundException("no training set " + runId);
        }
        try {
            return Files.readString(storage.resolve(set.manifestRef));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
