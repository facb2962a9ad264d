/*
 * commands.h - the subcommands main.c dispatches to. Each takes the
 * arguments after its name (argv[0] is the command's name), prints its own
 * usage on --help, and returns the process exit status: 0 success, 1 a
 * result the caller should act on (cells failed, a regression), 2 bad usage
 * or input, 130 interrupted.
 */
#ifndef OBJMEM_COMMANDS_H
#define OBJMEM_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_interpreters(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_trend(int argc, char **argv);
int cmd_upload(int argc, char **argv);

#define OBJMEM_VERSION "0.1.0"


#endif
