package io.transferlab.trainer.rest;

import io.transferlab.trainer.repository.TrainingSet;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/training-sets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "training-sets", description = "Training sets received by the trainer")
public class TrainingSetResource {

    @GET
    @Operation(summary = "The training sets received for a study")
    public List<TrainingSet> ofStudy(@QueryParam("studyId") String studyId) {
        if (studyId == null || studyId.isBlank()) {
            throw new BadRequestException("query parameter 'studyId' is required");
        }
        return TrainingSet.ofStudy(studyId);
    }

    @GET
    @Path("/{runId}")
    @Operation(summary = "One received training set")
    public TrainingSet one(@PathParam("runId") String runId) {
        TrainingSet set = TrainingSet.findById(runId);
        if (set == null) {
            throw new NotFoundException("no training set " + runId + " at the trainer");
        }
        return set;
    }
}
