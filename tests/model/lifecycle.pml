/* SPDX-License-Identifier: MIT */
/*
 * The cell lifecycle protocol as a Spin model: pledge, revoke, park,
 * terminate (halt or restart), PSCI CPU_ON/CPU_OFF and the kick and
 * acknowledge between a cell's cores. Checked exhaustively by
 * tests/model/check.sh; docs/architecture.md, "The lifecycle model",
 * says what is left out.
 *
 * Bounds: cell A has two cores (0 and 1, vcore 0 and 1), policy restart
 * with a restart limit of 1; cell B, the neighbour, has one core (2). A
 * has two rights: DEV (a device: an MMIO window mapped at stage 2 and one
 * SPI) and CON (the console). Both of A's cores start running (as after
 * its kernel's CPU_ON); after a restart only vcore 0 does. A's cores take
 * OPS traps to RumKV in all (pledge, fault, vGIC or console write,
 * CPU_ON, CPU_OFF); plain accesses and interrupts are not counted. A
 * guest core takes at most LAG steps of guest code between a request
 * being posted to it and taking the kick.
 *
 * What models what (C on the right):
 *   Core(c)                a physical core of cell A, in RumKV and in
 *                          its cell (struct rumkv_core)
 *   label guest            guest code running on the core (EL1)
 *   label serve            rumkv_core_serve, from gic_irq_slow on SGI 15
 *   label parked           rumkv_core_park / port_core_wait (WFI)
 *   label lock, UNLOCK     rumkv_lock (ticket, serving requests while
 *                          it waits: serve_waiting) / rumkv_unlock
 *   label post             rumkv_cell_post_and_wait + port_core_kick
 *   label pledge           rumkv_pledge (lib/pledge.c)
 *   label revoke           rumkv_cell_revoke, device_revoke,
 *                          port_irq_revoke, rumkv_console_revoke,
 *                          port_irq_sync(self)
 *   label terminate        rumkv_cell_terminate, lock_running_cell
 *   label end_*            cell_end, cell_clear_memory, cell_reset,
 *                          rumkv_core_start(cell, 0)
 *   label vgic             vGIC ISENABLER/IROUTER write (field_access,
 *                          route_access in ports/aarch64/vgic.c)
 *   label console          the console write hypercall (hc_console_write,
 *                          rumkv_console_put)
 *   label vcore_on/off     rumkv_vcore_on / rumkv_vcore_off (PSCI)
 *   Neighbour()            cell B's core: prints, shares the console lock
 *   Invariants()           properties (b) and (d), a monitor
 *   lnext[l], lserv[l]     the ticket lock's halves: l = LCELL is
 *                          cell A's lock (rumkv_cell.lock), LCON the
 *                          machine's console lock
 *   state[c]               rumkv_core.state (core_state/core_state_set)
 *   requests[c]            rumkv_core.requests (REQ_PARK, REQ_SYNC)
 *   cstate[cell]           rumkv_cell.state
 *   rights[cell]           rumkv_cell.rights
 *   restarts               rumkv_cell.restart_count of A
 *   mapped[cell]           the DEV window's stage-2 mapping (an unmap with
 *                          its broadcast TLB invalidation is one step)
 *   owned[cell]            the DEV SPI's bit in arch.irq_owned
 *   irq_en[cell], route[]  GICD_ISENABLER and GICD_IROUTER of that SPI
 *   lr[c]                  the SPI sits in core c's list registers (or
 *                          its arch.lr_pending queue)
 *   closed[cell]           rumkv_cell.console.closed (and vuart.closed)
 * Ghost variables (no C counterpart): gone (rights whose revocation has
 * returned: a pledge that dropped them returned, or the end revoked
 * everything), reports (report lines of the current end), scrubbed,
 * waiting[c] (spinning for a lock or for acknowledgements), lag[c].
 *
 * Properties:
 *   (a) USE(): no core of A uses a right in `gone`: a guest access
 *       through the mapping, a guest handling the SPI from its list
 *       register, a vGIC write reaching the GIC, a console line printed;
 *       and a core runs guest code only while its state is RUNNING.
 *   (b) SET_RIGHTS(): RumKV only narrows rights; Invariants(): no right
 *       in `gone` is held; at end_revoked: nothing is scrubbed while a
 *       core of the cell is not parked, and the plan's rights come back
 *       only with every core parked and memory scrubbed.
 *   (c) ltl live: every core waiting (for a lock or for acknowledgements)
 *       is eventually released, and every core asked to start starts or
 *       is parked again, under weak fairness.
 *   (d) Invariants(): cell B's state, rights, core, mapping, interrupt and
 *       console never change, and nobody posts requests to its core.
 *   (e) cell_end: one report per end, made by a core running the cell.
 *
 * Deliberate bugs (-D, tests/model/check.sh expects each to fail):
 *   BUG_NO_ACK_WAIT        post_and_wait does not wait for the acks
 *   BUG_ACK_BEFORE_WORK    serve acknowledges before parking/dropping
 *   BUG_VGIC_UNLOCKED      the vGIC checks ownership before the cell lock
 *   BUG_NO_CONSOLE_CLOSE   revoking CON does not close the console
 *   BUG_REPORT_UNLOCKED    terminate reports before lock_running_cell
 *   BUG_LOCK_FORGETS_PARK  rumkv_lock returns after acking a park
 *   BUG_KICK_ALL           post_and_wait posts to every core of the machine
 *   BUG_NO_RATCHET         a pledge sets the rights it names
 *   BUG_RIGHTS_LATE        cell_end zeroes the rights after revoking
 *   BUG_NO_SERVE_WAITING   rumkv_lock does not serve requests (liveness)
 */

#ifndef LAG
#define LAG 1
#endif
#ifndef OPS
#define OPS 3
#endif
#ifndef NB_LINES
#define NB_LINES 1
#endif
#define RESTART_LIMIT 1
#define TICKETS 4

#define A 0 /* cells */
#define B 1
#define NB 2 /* cell B's core */
#define NOWHERE 3

#define PARKED 0 /* enum rumkv_core_state */
#define STARTING 1
#define RUNNING 2

#define CELL_RUNNING 0 /* RUMKV_CELL_* */
#define CELL_RESTARTING 1
#define CELL_TERMINATED 2

#define REQ_PARK 1
#define REQ_SYNC 2

#define R_DEV 1
#define R_CON 2
#define R_ALL 3

#define LCELL 0
#define LCON 1

#define WHY_FAULT 0 /* any violation, pledge widening included */
#define WHY_OFF 1   /* the last vcore off: SYSTEM_OFF */
#define WHY_RESET 2 /* SYSTEM_RESET */

/* where `lock` returns to */
#define L_PLEDGE 0
#define L_VGIC 1
#define L_CONW 2
#define L_ON 3
#define L_OFF 4
#define L_TERM 5
#define L_REPORT 6
#define L_CONREV 7
#define L_START 8
/* where `post` and `revoke` return to */
#define P_END 0
#define P_REVOKE 1
#define V_PLEDGE 0
#define V_END 1

byte lnext[2];
byte lserv[2];
byte state[3];
byte requests[3];
byte cstate[2];
byte rights[2];
byte restarts;
bit mapped[2];
bit owned[2];
bit irq_en[2];
byte route[2];
bit closed[2];
bit lr[3];

byte ops = OPS;
byte gone;
bit reports;
bit scrubbed;
bit waiting[3];
byte lag[3];

#define USE(r) assert((gone & (r)) == 0 && state[c] == RUNNING)

/* (b): every change of A's rights by RumKV narrows them (and
 * Invariants() checks that no right in `gone` is ever held again). */
#define SET_RIGHTS(n)                          \
	assert(((n) & ~rights[A]) == 0);       \
	rights[A] = (n)

#define ALL_PARKED (state[0] == PARKED && state[1] == PARKED)

/* rumkv_unlock. When no ticket is out, both halves go back to 0: the
 * values only ever matter relative to each other, so this loses nothing
 * and keeps equal states equal. */
#define UNLOCK(l)                                               \
	lserv[l] = (lserv[l] + 1) % TICKETS;                    \
	if                                                      \
	:: lserv[l] == lnext[l] -> lserv[l] = 0; lnext[l] = 0   \
	:: else                                                 \
	fi

/* A guest step may be taken unless a request has waited LAG steps for
 * the kick to arrive (the SGI is taken a bounded time after it is sent). */
#define GUEST (requests[c] == 0 || lag[c] < LAG)
/* A guest step that traps to RumKV: OPS of them in all, which bounds the
 * search (the plain accesses and interrupts in between are not counted). */
#define OP (GUEST && ops > 0)
#define STEP                                    \
	if                                      \
	:: requests[c] != 0 -> lag[c]++         \
	:: else                                 \
	fi

proctype Core(byte c)
{
	byte o = 1 - c; /* the cell's other core */
	byte t;		/* ticket, or the requests being served */
	bit park;	/* asked to park while waiting for a lock */
	byte lk;
	byte lret;
	byte pwreq;
	byte pwret;
	byte rret;
	byte keep;
	byte dropped;
	byte why;
	bit restart;
	bit ok;

	if
	:: state[c] == RUNNING -> goto guest
	:: else -> goto parked
	fi;

guest:
	assert(state[c] == RUNNING);
end_guest:
	do
	:: requests[c] != 0 -> goto serve
	:: atomic { GUEST && mapped[A] -> STEP; USE(R_DEV) }
	:: atomic { GUEST && irq_en[A] && route[A] == c && !lr[c] ->
		STEP; lr[c] = 1 }
	:: atomic { GUEST && lr[c] -> STEP; USE(R_DEV); lr[c] = 0 }
	:: atomic { OP -> STEP; ops-- }; goto vgic
	:: atomic { OP -> STEP; ops-- }; goto console
	:: atomic { OP -> STEP; ops--;
		if
		:: keep = 0
		:: keep = R_DEV
		:: keep = R_CON
		:: keep = R_ALL
		fi }; goto pledge
	:: atomic { OP -> STEP; ops--; why = WHY_FAULT }; goto terminate
	:: atomic { OP -> STEP; ops-- }; goto vcore_on
	:: atomic { OP -> STEP; ops-- }; goto vcore_off
	od;

	/* rumkv_core_serve: the kick (SGI 15) interrupted the guest. */
serve:
#ifdef BUG_ACK_BEFORE_WORK
	atomic { t = requests[c]; requests[c] = 0; lag[c] = 0 }
	atomic {
		if
		:: t & REQ_SYNC -> lr[c] = lr[c] & owned[A]
		:: else
		fi;
		if
		:: t & REQ_PARK -> state[c] = PARKED
		:: else
		fi }
#else
	atomic {
		t = requests[c];
		if
		:: t & REQ_SYNC -> lr[c] = lr[c] & owned[A]
		:: else
		fi;
		if
		:: t & REQ_PARK -> state[c] = PARKED
		:: else
		fi;
		/* Acknowledge only after the work. */
		requests[c] = requests[c] & ~t;
		lag[c] = 0 }
#endif
	atomic {
		if
		:: t & REQ_PARK -> t = 0; goto parked
		:: else -> t = 0; goto guest
		fi };

	/* rumkv_core_park: wait (WFI) until asked to start, then
	 * core_try_start, which checks again under the cell lock. */
parked:
end_parked:
	state[c] == STARTING;
	lk = LCELL; lret = L_START; goto lock;
start_locked:
	if
	:: state[c] != STARTING -> atomic { UNLOCK(LCELL) }; goto parked
	:: else
	fi;
	/* port_core_enter_cell: list registers reset (gic_core_reset_guest). */
	atomic { state[c] = RUNNING; lr[c] = 0; UNLOCK(LCELL) };
	goto guest;

	/* rumkv_lock(self, lk), then on at lret. */
lock:
	atomic { t = lnext[lk]; lnext[lk] = (lnext[lk] + 1) % TICKETS;
		waiting[c] = 1 };
lock_spin:
	if
	:: atomic { lserv[lk] == t -> waiting[c] = 0; t = 0 }
#ifndef BUG_NO_SERVE_WAITING
	:: atomic { requests[c] != 0 ->
		/* serve_waiting */
		if
		:: requests[c] & REQ_SYNC -> lr[c] = lr[c] & owned[A]
		:: else
		fi;
		if
		:: requests[c] & REQ_PARK -> state[c] = PARKED; park = 1
		:: else
		fi;
		requests[c] = 0; lag[c] = 0 }; goto lock_spin
#endif
	fi;
#ifndef BUG_LOCK_FORGETS_PARK
	if
	:: park -> atomic { park = 0; UNLOCK(lk) }; goto parked
	:: else
	fi;
#endif
	atomic {
		park = 0;
		lk = 0;
		t = lret;
		lret = 0;
		if
		:: t == L_PLEDGE -> t = 0; goto pledge_locked
		:: t == L_VGIC -> t = 0; goto vgic_locked
		:: t == L_CONW -> t = 0; goto conw_locked
		:: t == L_ON -> t = 0; goto on_locked
		:: t == L_OFF -> t = 0; goto off_locked
		:: t == L_TERM -> t = 0; goto term_locked
		:: t == L_REPORT -> t = 0; goto report_locked
		:: t == L_CONREV -> t = 0; goto conrev_locked
		:: t == L_START -> t = 0; goto start_locked
		fi };

	/* rumkv_cell_post_and_wait(cell, self, pwreq), then on at pwret.
	 * Cell lock held. With two cores the loop over the others is one
	 * step: nobody else changes their states without the lock except
	 * by serving what this core posts. */
post:
	atomic {
		if
		:: (pwreq & REQ_PARK) && state[o] == STARTING -> state[o] = PARKED
		:: else ->
			if
			:: state[o] == RUNNING -> requests[o] = requests[o] | pwreq
			:: else
			fi
		fi;
#ifdef BUG_KICK_ALL
		if
		:: state[NB] == RUNNING -> requests[NB] = requests[NB] | pwreq
		:: else
		fi;
#endif
		waiting[c] = 1 };
#ifdef BUG_NO_ACK_WAIT
	waiting[c] = 0;
#else
	atomic { (requests[o] & pwreq) == 0 -> waiting[c] = 0 };
#endif
	atomic {
		pwreq = 0;
		if
		:: pwret == P_END -> goto end_posted
		:: pwret == P_REVOKE -> pwret = 0; goto revoke_posted
		fi };

	/* rumkv_cell_revoke(cell, self, dropped), then on at rret. */
revoke:
	if
	:: (dropped & R_DEV) == 0 -> goto revoke_con
	:: else
	fi;
	/* rumkv_pt_unmap (TLBI by VMID, broadcast, complete on return),
	 * then port_irq_revoke: ownership bit, then disable (with RWP)
	 * and route nowhere. */
	atomic { mapped[A] = 0; owned[A] = 0 };
	atomic { irq_en[A] = 0; route[A] = NOWHERE };
revoke_con:
	if
	:: (dropped & R_CON) == 0 -> goto revoke_sync
	:: else
	fi;
	lk = LCON; lret = L_CONREV; goto lock;
conrev_locked:
	atomic {
#ifndef BUG_NO_CONSOLE_CLOSE
		closed[A] = 1;
#endif
		UNLOCK(LCON) };
revoke_sync:
	pwreq = REQ_SYNC; pwret = P_REVOKE; goto post;
revoke_posted:
	atomic {
		lr[c] = lr[c] & owned[A]; /* port_irq_sync(self) */
		if
		:: rret == V_PLEDGE -> goto pledge_revoked
		:: rret == V_END -> rret = 0; goto end_revoked
		fi };

	/* rumkv_pledge(core, keep) */
pledge:
	lk = LCELL; lret = L_PLEDGE; goto lock;
pledge_locked:
#ifdef BUG_NO_RATCHET
	/* The plain store a pledge that forgot the ratchet would do. */
	atomic { dropped = rights[A] & ~keep; rights[A] = keep };
#else
	if
	:: (keep & ~rights[A]) != 0 ->
		/* Asking for a right back ends the cell. */
		atomic { UNLOCK(LCELL); why = WHY_FAULT; keep = 0 }; goto terminate
	:: else
	fi;
	atomic { dropped = rights[A] & ~keep; SET_RIGHTS(keep) };
#endif
	if
	:: dropped == 0 -> atomic { UNLOCK(LCELL); keep = 0 }; goto guest
	:: else
	fi;
	rret = V_PLEDGE; goto revoke;
pledge_revoked:
	/* The pledge returns: what it dropped is gone. */
	atomic { UNLOCK(LCELL); gone = gone | dropped; dropped = 0; keep = 0 };
	goto guest;

	/* vGIC: the guest enables its SPI and routes it to itself. The
	 * write checks ownership and reaches the GIC under the cell lock. */
vgic:
#ifdef BUG_VGIC_UNLOCKED
	ok = owned[A];
#endif
	lk = LCELL; lret = L_VGIC; goto lock;
vgic_locked:
	atomic {
#ifndef BUG_VGIC_UNLOCKED
		ok = owned[A];
#endif
		if
		:: ok -> USE(R_DEV); irq_en[A] = 1; route[A] = c
		:: else
		fi;
		ok = 0;
		UNLOCK(LCELL) };
	goto guest;

	/* hc_console_write: the rights check without a lock, then the line
	 * goes out under the console lock unless the console was closed. */
console:
	if
	:: (rights[A] & R_CON) == 0 -> why = WHY_FAULT; goto terminate
	:: else
	fi;
	lk = LCON; lret = L_CONW; goto lock;
conw_locked:
	atomic {
		if
		:: !closed[A] -> USE(R_CON)
		:: else
		fi;
		UNLOCK(LCON) };
	goto guest;

	/* rumkv_vcore_on(caller, other) */
vcore_on:
	lk = LCELL; lret = L_ON; goto lock;
on_locked:
	atomic {
		if
		:: state[o] == PARKED -> state[o] = STARTING /* and a kick */
		:: else
		fi;
		UNLOCK(LCELL) };
	goto guest;

	/* rumkv_vcore_off: the last core going off powers the cell off. */
vcore_off:
	lk = LCELL; lret = L_OFF; goto lock;
off_locked:
	if
	:: state[o] != PARKED ->
		atomic { state[c] = PARKED; UNLOCK(LCELL) }; goto parked
	:: else -> atomic { UNLOCK(LCELL); why = WHY_OFF }; goto terminate
	fi;

	/* rumkv_cell_terminate: lock_running_cell, then cell_end. */
terminate:
#ifdef BUG_REPORT_UNLOCKED
	lk = LCON; lret = L_REPORT; goto lock;
#endif
term_lock:
	lk = LCELL; lret = L_TERM; goto lock;
term_locked:
	if
	:: cstate[A] != CELL_RUNNING ->
		/* Another core got there first. */
		atomic { state[c] = PARKED; why = 0; UNLOCK(LCELL) }; goto parked
	:: else
	fi;
	/* (e): the core ending the cell runs it. */
	assert(state[c] == RUNNING);
	atomic {
		restart = (why == WHY_RESET ||
			   (why == WHY_FAULT && restarts < RESTART_LIMIT));
		if
		:: restart -> cstate[A] = CELL_RESTARTING
		:: else -> cstate[A] = CELL_TERMINATED
		fi };
#ifndef BUG_REPORT_UNLOCKED
	lk = LCON; lret = L_REPORT; goto lock;
#else
	goto end_reported;
#endif
report_locked:
	/* (e): one report line per end. */
	atomic { assert(!reports); reports = 1; UNLOCK(LCON) };
#ifdef BUG_REPORT_UNLOCKED
	goto term_lock;
#endif
end_reported:
	pwreq = REQ_PARK; pwret = P_END; goto post;
end_posted:
#ifndef BUG_RIGHTS_LATE
	atomic { state[c] = PARKED; SET_RIGHTS(0) };
#else
	state[c] = PARKED;
#endif
	dropped = R_ALL; rret = V_END; goto revoke;
end_revoked:
	/* cell_clear_memory: (b) nothing is scrubbed under a running core. */
	atomic { gone = R_ALL; dropped = 0; assert(ALL_PARKED); scrubbed = 1 };
#ifdef BUG_RIGHTS_LATE
	atomic { SET_RIGHTS(0) };
#endif
	if
	:: !restart -> atomic { UNLOCK(LCELL); why = 0 }; goto parked
	:: else
	fi;
	/* cell_reset, then vcore 0 starts (rumkv_core_start). */
	atomic {
		assert(scrubbed && ALL_PARKED);
		rights[A] = R_ALL;
		mapped[A] = 1;
		owned[A] = 1;
		irq_en[A] = 0;
		route[A] = 0;
		closed[A] = 0;
		gone = 0;
		reports = 0;
		scrubbed = 0;
		if
		:: why == WHY_FAULT -> restarts++
		:: else
		fi;
		cstate[A] = CELL_RUNNING;
		state[0] = STARTING };
	atomic { restart = 0; why = 0; UNLOCK(LCELL) };
	goto parked
}

/* Cell B's core: prints NB_LINES lines through the machine's console
 * lock, at any moment. Cell B's own traps are not modelled: nothing of
 * cell A's protocol touches them. */
proctype Neighbour()
{
	byte t;
	byte lines;

end_nb:
	do
	:: lines < NB_LINES ->
		atomic { lines++; t = lnext[LCON];
			lnext[LCON] = (lnext[LCON] + 1) % TICKETS;
			waiting[NB] = 1 };
		atomic { lserv[LCON] == t -> waiting[NB] = 0 };
		atomic { assert(!closed[B]); UNLOCK(LCON); t = 0 }
	od
}

#define NEIGHBOUR_INTACT                                                 \
	(cstate[B] == CELL_RUNNING && rights[B] == R_ALL &&              \
	 state[NB] == RUNNING && requests[NB] == 0 && mapped[B] &&       \
	 owned[B] && irq_en[B] && route[B] == NB && !closed[B])

/* (b) and (d): blocked as long as they hold, in every state. */
proctype Invariants()
{
end:
	if
	:: !NEIGHBOUR_INTACT -> assert(NEIGHBOUR_INTACT) /* (d) */
	:: (rights[A] & gone) != 0 -> assert((rights[A] & gone) == 0) /* (b) */
	fi
}

init
{
	atomic {
		cstate[A] = CELL_RUNNING;
		rights[A] = R_ALL;
		mapped[A] = 1;
		owned[A] = 1;
		route[A] = 0;
		state[0] = RUNNING;
		state[1] = RUNNING;
		cstate[B] = CELL_RUNNING;
		rights[B] = R_ALL;
		mapped[B] = 1;
		owned[B] = 1;
		irq_en[B] = 1;
		route[B] = NB;
		state[NB] = RUNNING;
		run Invariants();
		run Neighbour();
		run Core(0);
		run Core(1)
	}
}

/* (c): every core waiting for a lock or for acknowledgements is
 * released, and every core asked to start starts (or is parked again). */
ltl live {
	[] ((waiting[0] -> <> !waiting[0]) && (waiting[1] -> <> !waiting[1]) &&
	    (waiting[2] -> <> !waiting[2]) &&
	    ((state[0] == STARTING) -> <> (state[0] != STARTING)) &&
	    ((state[1] == STARTING) -> <> (state[1] != STARTING)))
}
