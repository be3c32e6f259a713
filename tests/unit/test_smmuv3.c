// SPDX-License-Identifier: MIT
/*
 * The SMMUv3 driver's encodings (ports/aarch64/include/aarch64/smmuv3.h)
 * against the field positions of Arm IHI 0070 (SMMUv3): the stream table
 * entry (5.2), the commands (4.1-4.7), queue indexes (3.5) and event
 * records (7.3). Fields are read back by their absolute bit positions in
 * the structure, as the spec numbers them, not by the word layout the
 * encoder uses.
 */
#include <aarch64/smmuv3.h>
#include <aarch64/sysreg.h>
#include <criterion/criterion.h>

/* Bits hi..lo of a little-endian structure of 64-bit words. */
static uint64_t field(const uint64_t *w, unsigned hi, unsigned lo)
{
	uint64_t v = 0;

	for (unsigned b = hi + 1; b-- > lo;) {
		v = v << 1 | ((w[b / 64] >> (b % 64)) & 1);
	}
	return v;
}

Test(smmuv3, abort_ste_is_valid_and_aborts_without_events)
{
	uint64_t ste[8];

	for (unsigned i = 0; i < 8; i++) {
		ste[i] = ~0ull;
	}
	smmu_ste_abort(ste);
	cr_expect_eq(field(ste, 0, 0), 1); /* V */
	cr_expect_eq(field(ste, 3, 1), 0); /* Config: abort */
	for (unsigned i = 1; i < 8; i++) {
		cr_expect_eq(ste[i], 0, "word %u", i);
	}
	cr_expect_eq(ste[0], SMMU_STE_V | SMMU_STE_ABORT);
}

Test(smmuv3, stage2_ste_matches_vtcr_tables_and_vmid)
{
	uint64_t ste[8];

	smmu_ste_s2(ste, VTCR_EL2_VALUE, 0x40123000ull, 0x1234);
	cr_expect_eq(field(ste, 0, 0), 1);	    /* V */
	cr_expect_eq(field(ste, 3, 1), 6);	    /* Config: S1 bypass, S2 */
	cr_expect_eq(field(ste, 5, 4), 0);	    /* S1Fmt */
	cr_expect_eq(field(ste, 93, 92), 0);	    /* EATS: no ATS */
	cr_expect_eq(field(ste, 109, 108), 1);	    /* SHCFG: incoming */
	cr_expect_eq(field(ste, 143, 128), 0x1234); /* S2VMID */
	cr_expect_eq(field(ste, 165, 160), 24);	    /* S2T0SZ: 40-bit IPA */
	cr_expect_eq(field(ste, 167, 166), 1);	    /* S2SL0: level 1 */
	cr_expect_eq(field(ste, 169, 168), 1);	    /* S2IR0: WB */
	cr_expect_eq(field(ste, 171, 170), 1);	    /* S2OR0: WB */
	cr_expect_eq(field(ste, 173, 172), 3);	    /* S2SH0: inner */
	cr_expect_eq(field(ste, 175, 174), 0);	    /* S2TG: 4 KiB */
	cr_expect_eq(field(ste, 178, 176), 2);	    /* S2PS: 40 bits */
	cr_expect_eq(field(ste, 179, 179), 1);	    /* S2AA64 */
	cr_expect_eq(field(ste, 180, 180), 0);	    /* S2ENDI: little */
	cr_expect_eq(field(ste, 181, 181), 1);	    /* S2AFFD */
	cr_expect_eq(field(ste, 182, 182), 0);	    /* S2PTW */
	cr_expect_eq(field(ste, 184, 183), 0);	    /* S2HD, S2HA */
	cr_expect_eq(field(ste, 185, 185), 0);	    /* S2S: no stall */
	cr_expect_eq(field(ste, 186, 186), 1);	    /* S2R: record */
	cr_expect_eq(field(ste, 243, 196) << 4, 0x40123000ull); /* S2TTB */
	for (unsigned i = 4; i < 8; i++) {
		cr_expect_eq(ste[i], 0, "word %u", i);
	}
}

Test(smmuv3, stage2_ste_keeps_only_the_vtcr_fields_it_has)
{
	uint64_t ste[8];

	/* VTCR_EL2 bit 31 (RES1) and anything above PS must not leak into
	 * S2AA64 and its neighbours. */
	smmu_ste_s2(ste, ~0ull, 0xfffffffffffff000ull, 0);
	cr_expect_eq(field(ste, 178, 160), 0x7ffff);
	cr_expect_eq(field(ste, 180, 180), 0); /* S2ENDI */
	cr_expect_eq(field(ste, 185, 182), 0); /* S2PTW, S2HD, S2HA, S2S */
	cr_expect_eq(field(ste, 195, 187), 0);
	cr_expect_eq(field(ste, 255, 244), 0); /* above S2TTB[51] */
}

Test(smmuv3, configuration_and_tlb_commands)
{
	struct smmu_cmd c = smmu_cmd_cfgi_ste(0x10);

	cr_expect_eq(field(c.w, 7, 0), 0x03);	/* CMD_CFGI_STE */
	cr_expect_eq(field(c.w, 63, 32), 0x10); /* StreamID */
	cr_expect_eq(field(c.w, 64, 64), 1);	/* Leaf */
	c = smmu_cmd_cfgi_all();
	cr_expect_eq(field(c.w, 7, 0), 0x04); /* CMD_CFGI_STE_RANGE */
	cr_expect_eq(field(c.w, 68, 64), 31); /* Range: all */
	c = smmu_cmd_tlbi_vmall(7);
	cr_expect_eq(field(c.w, 7, 0), 0x28); /* CMD_TLBI_S12_VMALL */
	cr_expect_eq(field(c.w, 47, 32), 7);  /* VMID */
	cr_expect_eq(c.w[1], 0);
	c = smmu_cmd_tlbi_ipa(9, 0x12345678abcull);
	cr_expect_eq(field(c.w, 7, 0), 0x2a);		  /* CMD_TLBI_S2_IPA */
	cr_expect_eq(field(c.w, 47, 32), 9);		  /* VMID */
	cr_expect_eq(field(c.w, 64, 64), 0);		  /* Leaf: all levels */
	cr_expect_eq(field(c.w, 115, 76), 0x12345678ull); /* IPA[51:12] */
	cr_expect_eq(field(c.w, 75, 65), 0);
	c = smmu_cmd_sync();
	cr_expect_eq(field(c.w, 7, 0), 0x46); /* CMD_SYNC */
	cr_expect_eq(field(c.w, 13, 12), 0);  /* CS: SIG_NONE */
	cr_expect_eq(field(smmu_cmd_op(SMMU_CMD_TLBI_NSNH_ALL).w, 7, 0), 0x30);
	cr_expect_eq(field(smmu_cmd_op(SMMU_CMD_TLBI_EL2_ALL).w, 7, 0), 0x20);
}

Test(smmuv3, queue_indexes_wrap_with_the_wrap_bit)
{
	cr_expect_eq(smmu_q_next(0, 6), 1);
	cr_expect_eq(smmu_q_next(0x3f, 6), 0x40); /* index 0, wrap 1 */
	cr_expect_eq(smmu_q_next(0x7f, 6), 0x00); /* index 0, wrap 0 */
	cr_expect_eq(smmu_q_next(0x8000003f, 6), 0x80000040); /* OVF kept */
	cr_expect_eq(smmu_queue_base(0x40abc000ull, 6),
		     (1ull << 62) | 0x40abc000ull | 6);
	cr_expect_eq(smmu_queue_base(0x40abc01full, 6) & 0x1f, 6);
}

Test(smmuv3, table_and_queue_attributes)
{
	uint64_t cr1 = SMMU_CR1_WB_IS;

	cr_expect_eq(field(&cr1, 1, 0), 1);   /* QUEUE_IC: WB */
	cr_expect_eq(field(&cr1, 3, 2), 1);   /* QUEUE_OC: WB */
	cr_expect_eq(field(&cr1, 5, 4), 3);   /* QUEUE_SH: inner */
	cr_expect_eq(field(&cr1, 7, 6), 1);   /* TABLE_IC */
	cr_expect_eq(field(&cr1, 9, 8), 1);   /* TABLE_OC */
	cr_expect_eq(field(&cr1, 11, 10), 3); /* TABLE_SH */
}

Test(smmuv3, translation_fault_record)
{
	uint64_t e[4] = {0x10 | 16ull << 32, 0, 0x50000000ull, 0};

	cr_expect_eq(smmu_evt_type(e), SMMU_EVT_F_TRANSLATION);
	cr_expect_eq(smmu_evt_sid(e), 16);
	cr_expect(smmu_evt_write(e));
	cr_expect_eq(smmu_evt_addr(e), 0x50000000ull);
	e[1] = 1ull << 35; /* RnW: read */
	cr_expect(!smmu_evt_write(e));
}
