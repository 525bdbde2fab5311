/*
 * fsm.c - RFC 1661 automaton (state names for now).
 */
#include "fsm.h"

const char *
fsm_state_name(enum fsm_state st)
{
	switch (st) {
	case FSM_ST_INITIAL:
		return "Initial";
	case FSM_ST_STARTING:
		return "Starting";
	case FSM_ST_CLOSED:
		return "Closed";
	case FSM_ST_STOPPED:
		return "Stopped";
	case FSM_ST_CLOSING:
		return "Closing";
	case FSM_ST_STOPPING:
		return "Stopping";
	case FSM_ST_REQSENT:
		return "Req-Sent";
	case FSM_ST_ACKRCVD:
		return "Ack-Rcvd";
	case FSM_ST_ACKSENT:
		return "Ack-Sent";
	case FSM_ST_OPENED:
		return "Opened";
	}
	return "???";
}
