# The image names, defined once (sourced by build.sh, the compose and Kubernetes scripts and tests).
# TAG is the project's version (the pom's), so an image always matches the code it was built from.
REPO="${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
TAG="${TRANSFERLAB_IMAGE_TAG:-$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$REPO/pom.xml" | head -n1)}"
IMG_DEBIAN=localhost/transferlab/debian:bookworm
IMG_JRE="localhost/transferlab/jre17:$TAG"
IMG_SERVICE_BASE="localhost/transferlab/service-base:$TAG"
IMG_ML_BASE="localhost/transferlab/ml-base:$TAG"
IMG_CUDA_BASE="localhost/transferlab/cuda-base:$TAG"
IMG_KAFKA=localhost/transferlab/kafka:4.1.1
IMG_POSTGRES=localhost/transferlab/postgres:15
IMG_CLI="localhost/transferlab/cli:$TAG"
IMG_TRAINER_CUDA="localhost/transferlab/trainer-service:$TAG-cuda"
SERVICES=(gateway dataset-service trainer-service evaluator-service)
# what the self-contained Kubernetes install runs
IMAGES_DEPLOYED=("$IMG_KAFKA" "$IMG_POSTGRES")
for s in "${SERVICES[@]}"; do IMAGES_DEPLOYED+=("localhost/transferlab/$s:$TAG"); done
