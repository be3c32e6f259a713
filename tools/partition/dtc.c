// SPDX-License-Identifier: MIT
/*
 * Compiles a .dts with dtc into memory. dtc's own errors go straight to
 * our stderr. Warnings that the dumped board tree always triggers (its
 * phandle cells are plain numbers, its nodes keep QEMU's names) are
 * turned off; every other dtc warning still shows.
 */
#include "dtc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const quiet[] = {
	"no-clocks_property",
	"no-gpios_property",
	"no-unit_address_vs_reg",
};

static char **build_argv(const struct dtc_run *run)
{
	size_t n = 0;
	char **argv = calloc(20 + 2 * run->include_count, sizeof(*argv));

	if (argv == NULL) {
		return NULL;
	}
	argv[n++] = (char *)run->dtc;
	argv[n++] = "-I";
	argv[n++] = "dts";
	argv[n++] = "-O";
	argv[n++] = "dtb";
	argv[n++] = "-o";
	argv[n++] = "-";
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		argv[n++] = "-W";
		argv[n++] = (char *)quiet[i];
	}
	if (run->depfile != NULL) {
		argv[n++] = "-d";
		argv[n++] = (char *)run->depfile;
	}
	for (size_t i = 0; i < run->include_count; i++) {
		argv[n++] = "-i";
		argv[n++] = (char *)run->includes[i];
	}
	argv[n++] = (char *)run->file;
	return argv;
}

static int read_all(int fd, uint8_t **out, size_t *size)
{
	size_t cap = 1 << 16;
	size_t len = 0;
	uint8_t *buf = malloc(cap);

	while (buf != NULL) {
		ssize_t n;

		if (len == cap) {
			uint8_t *grown = realloc(buf, cap * 2);

			if (grown == NULL) {
				break;
			}
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			*out = buf;
			*size = len;
			return n == 0 ? 0 : -1;
		}
		len += (size_t)n;
	}
	free(buf);
	return -1;
}

int dtc_compile(const struct dtc_run *run, uint8_t **out, size_t *size)
{
	int pipefd[2];
	char **argv = build_argv(run);
	pid_t pid;
	int status;
	int rc;

	*out = NULL;
	if (argv == NULL || pipe(pipefd) != 0) {
		free(argv);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execvp(run->dtc, argv);
		fprintf(stderr, "rumkv-partition: cannot run %s: %s\n",
			run->dtc, strerror(errno));
		_exit(127);
	}
	free(argv);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -1;
	}
	rc = read_all(pipefd[0], out, size);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			return -1;
		}
	}
	if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
