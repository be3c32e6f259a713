// SPDX-License-Identifier: MIT
/*
 * The guest device trees of the seed partition, as linked into the plan:
 * each parses with libfdt and holds exactly the nodes its cell owns or
 * sees, with RumKV's view of cores, interrupts, PSCI and the console.
 */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <rumkv/plan.h>
#include <stdio.h>
#include <string.h>

extern const struct rumkv_plan seed_plan;

#define MAX_NODES 64

static const void *cell_dtb(unsigned c)
{
	const struct rumkv_plan_cell *cell = &seed_plan.cells[c];
	const struct rumkv_plan_image *dtb =
		&cell->images[cell->image_count - 1];

	cr_assert_eq(fdt_check_full(dtb->data, dtb->size), 0, "cell %u DTB", c);
	cr_assert_eq(dtb->ipa, cell->boot_arg);
	return dtb->data;
}

/* Every node path of the tree, in order, must be `expected`'s. */
static void expect_nodes(const void *fdt, const char *const *expected)
{
	size_t n = 0;
	int off = 0;

	for (; off >= 0; off = fdt_next_node(fdt, off, NULL), n++) {
		char path[256];

		cr_assert_eq(fdt_get_path(fdt, off, path, sizeof(path)), 0);
		cr_assert_not_null(expected[n], "extra node %s", path);
		cr_expect_str_eq(path, expected[n]);
	}
	cr_expect_null(expected[n], "missing node %s", expected[n]);
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	cr_assert_geq(off, 0, "%s", path);
	return off;
}

static const char *str(const void *fdt, const char *path, const char *prop)
{
	const char *s = fdt_getprop(fdt, node(fdt, path), prop, NULL);

	cr_assert_not_null(s, "%s %s", path, prop);
	return s;
}

static uint32_t u32(const void *fdt, const char *path, const char *prop)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node(fdt, path), prop, &len);

	cr_assert(p != NULL && len == 4, "%s %s", path, prop);
	return fdt32_ld(p);
}

static uint64_t u64(const void *fdt, const char *path, const char *prop)
{
	int len;
	const fdt64_t *p = fdt_getprop(fdt, node(fdt, path), prop, &len);

	cr_assert(p != NULL && len == 8, "%s %s", path, prop);
	return fdt64_ld(p);
}

/* reg of `path` as (addr, size) pairs of 2+2 cells. */
static uint64_t reg(const void *fdt, const char *path, int i, int which)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node(fdt, path), "reg", &len);

	cr_assert(p != NULL && len >= 16 * (i + 1), "%s reg", path);
	p += 4 * i + 2 * which;
	return ((uint64_t)fdt32_ld(p) << 32) | fdt32_ld(p + 1);
}

/* The bit /hypervisor/rights gives right `name`, or -1. */
static int right_bit(const void *fdt, const char *name)
{
	int off = node(fdt, "/hypervisor/rights");
	int names_len;
	int bits_len;
	const char *names = fdt_getprop(fdt, off, "names", &names_len);
	const fdt32_t *bits = fdt_getprop(fdt, off, "bits", &bits_len);
	int i = fdt_stringlist_search(fdt, off, "names", name);

	cr_assert(names != NULL && bits != NULL);
	cr_assert_eq(fdt_stringlist_count(fdt, off, "names"), bits_len / 4,
		     "parallel lists");
	return i < 0 ? -1 : (int)fdt32_ld(bits + i);
}

static void expect_common(const void *fdt, uint32_t cores, uint64_t status)
{
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2";
	int len;
	const void *compat =
		fdt_getprop(fdt, node(fdt, "/psci"), "compatible", &len);
	uint32_t gic = u32(fdt, "/intc@8000000", "phandle");

	cr_assert(len == sizeof(psci) && memcmp(compat, psci, len) == 0);
	cr_expect_str_eq(str(fdt, "/psci", "method"), "hvc");
	for (uint32_t v = 0; v < cores; v++) {
		char path[32];

		snprintf(path, sizeof(path), "/cpus/cpu@%x", v);
		cr_expect_eq(u32(fdt, path, "reg"), v);
		cr_expect_str_eq(str(fdt, path, "enable-method"), "psci");
		cr_expect_str_eq(str(fdt, path, "device_type"), "cpu");
	}
	cr_expect_str_eq(str(fdt, "/intc@8000000", "compatible"), "arm,gic-v3");
	cr_expect_eq(reg(fdt, "/intc@8000000", 0, 0), 0x8000000);
	cr_expect_eq(reg(fdt, "/intc@8000000", 0, 1), 0x10000);
	cr_expect_eq(reg(fdt, "/intc@8000000", 1, 0), 0x80a0000);
	cr_expect_eq(reg(fdt, "/intc@8000000", 1, 1), cores * 0x20000);
	cr_expect_eq(u32(fdt, "/", "interrupt-parent"), gic);
	cr_expect_str_eq(str(fdt, "/hypervisor", "compatible"),
			 "rumkv,hypervisor");
	cr_expect_eq(right_bit(fdt, "console"), 0);
	cr_expect_eq(reg(fdt, "/status-page@b000000", 0, 0), status);
	cr_expect_eq(reg(fdt, "/status-page@b000000", 0, 1), 0x1000);
	cr_expect_str_eq(str(fdt, "/status-page@b000000", "compatible"),
			 "rumkv,status-page");
}

Test(seed_dtb, cell_a_owns_four_cores_ram_and_a_page_of_virtio)
{
	static const char *const nodes[] = {
		"/",
		"/chosen",
		"/cpus",
		"/cpus/cpu@0",
		"/cpus/cpu@1",
		"/cpus/cpu@2",
		"/cpus/cpu@3",
		"/memory@48000000",
		"/psci",
		"/intc@8000000",
		"/timer",
		"/hypervisor",
		"/hypervisor/rights",
		"/status-page@b000000",
		"/virtio_mmio@a003000",
		"/virtio_mmio@a003200",
		"/virtio_mmio@a003400",
		"/virtio_mmio@a003600",
		"/virtio_mmio@a003800",
		"/virtio_mmio@a003a00",
		"/virtio_mmio@a003c00",
		"/virtio_mmio@a003e00",
		NULL,
	};
	const void *fdt = cell_dtb(0);

	expect_nodes(fdt, nodes);
	expect_common(fdt, 4, 0xb000000);
	cr_expect_eq(reg(fdt, "/memory@48000000", 0, 0), 0x48000000);
	cr_expect_eq(reg(fdt, "/memory@48000000", 0, 1), 0x10000000);
	cr_expect_str_eq(str(fdt, "/chosen", "bootargs"),
			 "console=hvc0 rdinit=/init");
	cr_expect_null(
		fdt_getprop(fdt, node(fdt, "/chosen"), "stdout-path", NULL));
	cr_expect_eq(u64(fdt, "/chosen", "linux,initrd-start"), 0x57dfe000);
	cr_expect_eq(u64(fdt, "/chosen", "linux,initrd-end"), 0x57dff800);
	/* The first custom right gets bit 16. */
	cr_expect_eq(u32(fdt, "/virtio_mmio@a003e00", "rumkv,right"), 16);
	cr_expect_eq(right_bit(fdt, "virtio"), 16);
	cr_expect_eq(right_bit(fdt, "net"), -1);
	cr_expect_eq(u64(fdt, "/hypervisor", "rumkv,initial-rights"), 0x10001);
	cr_expect_str_eq(str(fdt, "/hypervisor", "rumkv,cell-name"), "A");
}

Test(seed_dtb, cell_b_owns_two_cores_and_the_rtc_with_its_clock)
{
	static const char *const nodes[] = {
		"/",
		"/chosen",
		"/cpus",
		"/cpus/cpu@0",
		"/cpus/cpu@1",
		"/memory@40000000",
		"/psci",
		"/intc@8000000",
		"/timer",
		"/hypervisor",
		"/hypervisor/rights",
		"/status-page@b000000",
		"/pl031@9010000",
		"/apb-pclk",
		NULL,
	};
	const void *fdt = cell_dtb(1);

	expect_nodes(fdt, nodes);
	/* At 0x58000000, seen at the board's RAM base. */
	cr_expect_eq(reg(fdt, "/memory@40000000", 0, 0), 0x40000000);
	cr_expect_eq(reg(fdt, "/memory@40000000", 0, 1), 0x4000000);
	expect_common(fdt, 2, 0xb000000);
	cr_expect_null(
		fdt_getprop(fdt, node(fdt, "/chosen"), "bootargs", NULL));
	cr_expect_null(fdt_getprop(fdt, node(fdt, "/chosen"),
				   "linux,initrd-start", NULL));
	/* The RTC's clock is a reg-less fixed clock: copied along. */
	cr_expect_eq(fdt_node_offset_by_phandle(
			     fdt, u32(fdt, "/pl031@9010000", "clocks")),
		     node(fdt, "/apb-pclk"));
	cr_expect_eq(right_bit(fdt, "rtc"), 5);
}

Test(seed_dtb, cell_c_has_the_gpio_and_the_virtual_uart_as_console)
{
	static const char *const nodes[] = {
		"/",
		"/chosen",
		"/cpus",
		"/cpus/cpu@0",
		"/cpus/cpu@1",
		"/memory@80000000",
		"/psci",
		"/intc@8000000",
		"/timer",
		"/hypervisor",
		"/hypervisor/rights",
		"/status-page@b000000",
		"/pl061@9030000",
		"/pl011@9000000",
		"/apb-pclk",
		NULL,
	};
	const void *fdt = cell_dtb(2);

	expect_nodes(fdt, nodes);
	expect_common(fdt, 2, 0xb000000);
	cr_expect_str_eq(str(fdt, "/chosen", "stdout-path"), "/pl011@9000000");
	cr_expect_eq(reg(fdt, "/pl011@9000000", 0, 0), 0x9000000);
	cr_expect_eq(right_bit(fdt, "gpio"), 6);
	cr_expect_eq(u32(fdt, "/hypervisor", "rumkv,cell-index"), 2);
}
