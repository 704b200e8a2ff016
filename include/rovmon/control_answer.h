/*
 * control_answer.h - rovmon's answers to the control socket's requests
 * (src/rovmon/control_answer.c; docs/control.md): the answerer that
 * control_work() calls on the packet thread.  Part of the rovmon
 * program, not the library.
 */
#ifndef ROVMON_CONTROL_ANSWER_H
#define ROVMON_CONTROL_ANSWER_H

#include "rovmon/control.h"

struct rovmon;

/* ca answers from rv's stages (rv outlives the control socket). */
void	control_answerer_init(struct control_answerer *ca, struct rovmon *rv);

#endif /* ROVMON_CONTROL_ANSWER_H */
