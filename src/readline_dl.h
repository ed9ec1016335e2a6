/* readline_dl: GNU readline for the REPL, loaded when a session starts (dlopen) instead
 * of linked, so that `outlay run` and `outlay eval` do not pay for loading it. The REPL
 * uses readline's names as usual; here they stand for what dlsym found. */
#ifndef OUTLAY_READLINE_DL_H
#define OUTLAY_READLINE_DL_H
#include "config.h"
#include "dl.h"
#ifdef HAVE_READLINE
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/* 1 when libreadline is loaded and has every name below; 0 means plain line input. */
int readline_dl_open(void);

#define READLINE_DL_NAMES(X, p) \
    X(p, readline) X(p, add_history) X(p, read_history) X(p, write_history) X(p, rl_completion_matches) \
    X(p, rl_on_new_line) X(p, rl_redisplay) X(p, rl_replace_line) X(p, rl_set_prompt) \
    X(p, rl_attempted_completion_function) X(p, rl_attempted_completion_over) \
    X(p, rl_basic_word_break_characters) X(p, rl_catch_signals) X(p, rl_readline_name) X(p, rl_signal_event_hook) \
    X(p, history_write_timestamps) X(p, history_multiline_entries)
DL_DECLARE(readline_dl, READLINE_DL_NAMES)

#ifndef READLINE_DL_IMPLEMENTATION
#define readline (*readline_dl_readline)
#define add_history (*readline_dl_add_history)
#define read_history (*readline_dl_read_history)
#define write_history (*readline_dl_write_history)
#define rl_completion_matches (*readline_dl_rl_completion_matches)
#define rl_on_new_line (*readline_dl_rl_on_new_line)
#define rl_redisplay (*readline_dl_rl_redisplay)
#define rl_replace_line (*readline_dl_rl_replace_line)
#define rl_set_prompt (*readline_dl_rl_set_prompt)
#define rl_attempted_completion_function (*readline_dl_rl_attempted_completion_function)
#define rl_attempted_completion_over (*readline_dl_rl_attempted_completion_over)
#define rl_basic_word_break_characters (*readline_dl_rl_basic_word_break_characters)
#define rl_catch_signals (*readline_dl_rl_catch_signals)
#define rl_readline_name (*readline_dl_rl_readline_name)
#define rl_signal_event_hook (*readline_dl_rl_signal_event_hook)
#define history_write_timestamps (*readline_dl_history_write_timestamps)
#define history_multiline_entries (*readline_dl_history_multiline_entries)
#endif
#else
static inline int readline_dl_open(void) { return 0; }
#endif
#endif
