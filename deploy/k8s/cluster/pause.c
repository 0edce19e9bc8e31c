/*
 * Minimal pod "pause" (sandbox) process for the local Kubernetes cluster.
 *
 * Why: containerd needs a sandbox image to hold each pod's namespaces, and no
 * registry is reachable here, so we compile our own and ship it in an image
 * built FROM scratch (see build.sh). It behaves like upstream's pause: it
 * sleeps forever, reaps zombies (it is PID 1 of the pod when the process
 * namespace is shared) and exits on SIGINT/SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig) { (void)sig; _exit(0); }

static void on_child(int sig) {
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

int main(void) {
    struct sigaction term = {0}, child = {0};
    term.sa_handler = on_term;
    child.sa_handler = on_child;
    child.sa_flags = SA_NOCLDSTOP;
    if (sigaction(SIGINT, &term, NULL) < 0 || sigaction(SIGTERM, &term, NULL) < 0 ||
        sigaction(SIGCHLD, &child, NULL) < 0) {
        perror("sigaction");
        return 1;
    }
    for (;;) pause();
}
