/*
 * fsm.h - RFC 1661 automaton states and names.
 *
 * The generic automaton itself (events, restart counters, timers) arrives
 * with the PPP engine; the state names are needed already by every `show`
 * and by the web status page.
 */
#ifndef MPD_PPP_FSM_H
#define MPD_PPP_FSM_H

enum fsm_state {
	FSM_ST_INITIAL = 0,
	FSM_ST_STARTING,
	FSM_ST_CLOSED,
	FSM_ST_STOPPED,
	FSM_ST_CLOSING,
	FSM_ST_STOPPING,
	FSM_ST_REQSENT,
	FSM_ST_ACKRCVD,
	FSM_ST_ACKSENT,
	FSM_ST_OPENED,
};

/* "Initial", "Starting", ... "Opened" (surface spec 5). */
const char *fsm_state_name(enum fsm_state st);

#endif /* MPD_PPP_FSM_H */
