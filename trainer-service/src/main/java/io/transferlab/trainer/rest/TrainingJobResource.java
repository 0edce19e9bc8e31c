package io.transferlab.trainer.rest;

import io.transferlab.trainer.repository.TrainingJob;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/training-jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "training-jobs", description = "The device queue: one job per strategy of a training set")
public class TrainingJobResource {

    @GET
    @Operation(summary = "The jobs of a study (or of one training set), in queue order")
    public List<TrainingJob> jobs(@QueryParam("studyId") String studyId, @QueryParam("runId") String runId) {
        if (runId != null && !runId.isBlank()) {
            return TrainingJob.ofRun(runId);
        }
        if (studyId == null || studyId.isBlank()) {
            throw new BadRequestException("query parameter 'studyId' or 'runId' is required");
        }
        return TrainingJob.ofStudy(studyId);
    }
}
