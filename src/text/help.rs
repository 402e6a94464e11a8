//! The command line's help, in both languages: every command's summary,
//! description and examples, every option's help and every possible
//! value's, keyed by command and argument id, and clap's own headings.
//! [`localize`] puts them on the `Command` the derive in `cli` builds
//! (`cli::command`). The English entries are the derive's doc comments as
//! clap shows them (a test holds them equal); the Chinese ones are what a
//! Chinese console shows (`--lang zh`, or a `zh` locale), headings and
//! defaults included.
//!
//! Flags, value names (`FILE`, `YYYY-MM`), file names and identifiers stay
//! as they are in Chinese too: they are what is typed. Value names stay
//! ASCII also because clap, built without its `unicode` feature, counts a
//! Chinese character as one column, so a Chinese value name would push the
//! options' column out of line.

use super::Lang;
use clap::Command;
use std::ffi::OsString;

/// A command's texts: its name (`""` for rmpay itself), summary,
/// description (`--help`, where longer than the summary) and examples
/// (after the options), each Chinese then English.
pub struct CommandHelp {
    pub name: &'static str,
    pub about: [&'static str; 2],
    pub long_about: Option<[&'static str; 2]>,
    pub after_help: Option<[&'static str; 2]>,
}

/// An argument's help: the command it belongs to (`"*"`: any command
/// without an entry of its own), its id, its help Chinese then English,
/// and its `--help` text where clap gives one apart (`--help` itself).
pub struct ArgHelp {
    pub command: &'static str,
    pub arg: &'static str,
    pub help: [&'static str; 2],
    pub long_help: Option<[&'static str; 2]>,
}

const fn cmd(
    name: &'static str,
    about: [&'static str; 2],
    long_about: Option<[&'static str; 2]>,
    after_help: Option<[&'static str; 2]>,
) -> CommandHelp {
    CommandHelp {
        name,
        about,
        long_about,
        after_help,
    }
}

const fn arg(
    command: &'static str,
    arg: &'static str,
    zh: &'static str,
    en: &'static str,
) -> ArgHelp {
    ArgHelp {
        command,
        arg,
        help: [zh, en],
        long_help: None,
    }
}

/// Every command's texts. The `help` command's subcommands (`rmpay help
/// payroll`) show the summary of the command they name.
pub const COMMANDS: &[CommandHelp] = &[
    cmd(
        "",
        [
            "按银行的考核政策与月度台账，计算客户经理的绩效得分、等级与月度工资",
            "Scores, tier grades and monthly pay of bank relationship managers (客户经理绩效与薪酬)",
        ],
        Some([
            "rmpay 读取银行的考核政策（TOML 文件，放在 rules/ 下）与月度 Excel 台账，写出工资表与等级考核表；\
表中每个数字都注明依据的规则与所取的数据。\n\n\
退出码：0 已写入；1 输入有误（列出全部问题，不写任何文件）；2 用法错误或文件读写错误；101 内部错误（rmpay 的缺陷）。",
            "rmpay reads a bank's policy (TOML, under rules/) and its monthly Excel ledgers, \
and writes pay workbooks and grading workbooks in which every figure names the rule that \
produced it and the inputs it read.\n\nExit codes: 0 written, 1 invalid input (every problem \
printed, nothing written), 2 usage or I/O error, 101 internal error (a bug in rmpay).",
        ]),
        None,
    ),
    cmd(
        "payroll",
        [
            "计算一个月的工资，写出工资表（及 JSON）",
            "Compute one month's payroll and write the pay workbook (and JSON)",
        ],
        None,
        Some([
            "示例：\n  rmpay payroll --policy rules/city-commercial-bank.toml \\\n      --ledger fixtures/2026-10.xlsx --out out/ --json out/pay-2026-10.json\n  rmpay payroll --rules rules/ --bank city-commercial-bank --archive archive/ \\\n      --ledger 2026-11.xlsx --out out/",
            "Examples:\n  rmpay payroll --policy rules/city-commercial-bank.toml \\\n      --ledger fixtures/2026-10.xlsx --out out/ --json out/pay-2026-10.json\n  rmpay payroll --rules rules/ --bank city-commercial-bank --archive archive/ \\\n      --ledger 2026-11.xlsx --out out/",
        ]),
    ),
    cmd(
        "close",
        [
            "计算一个月并在档案中结账（存入台账、政策、输出文件、结转状态与清单）",
            "Compute a month and archive it as closed (ledger, policy, outputs, state, manifest)",
        ],
        None,
        Some([
            "示例：\n  rmpay close --archive archive/ --policy rules/city-commercial-bank.toml --ledger 2026-10.xlsx",
            "Example:\n  rmpay close --archive archive/ --policy rules/city-commercial-bank.toml --ledger 2026-10.xlsx",
        ]),
    ),
    cmd(
        "sign",
        [
            "为档案中当月的草稿签核一个环节（如 审核）",
            "Sign one step of a month's pay (e.g. 审核) for the draft in the archive",
        ],
        None,
        Some([
            "示例：\n  rmpay sign --archive archive/ --period 2026-10 --step 审核 --name 王五 --date 2026-11-03\n  rmpay sign --archive archive/ --period 2026-10 --step 审批 --name 赵六 --note \"同意\"",
            "Examples:\n  rmpay sign --archive archive/ --period 2026-10 --step 审核 --name 王五 --date 2026-11-03\n  rmpay sign --archive archive/ --period 2026-10 --step approve --name 赵六 --note \"同意\"",
        ]),
    ),
    cmd(
        "rerun",
        [
            "按档案中的台账与政策重算已结账月份，与存档逐字节核对",
            "Recompute a closed month from its archived ledger and policy and compare every byte with the archive",
        ],
        Some([
            "按档案中的台账、政策与期初状态重算已结账月份，与存档逐字节核对。先说明档案中的输入文件是否仍与清单一致\
（如有改动，指出是哪个文件，并列出前后两个 SHA-256），再列出每处差异，工资汇总表的在前。\
退出码 0：一致；1：有差异。",
            "Recompute a closed month from its archived ledger, policy and opening state, \
and compare every byte with what was archived. It says first whether the archived inputs still \
match the manifest (or which file changed, with both SHA-256s), then every difference, the pay \
register's first. Exit 0: identical; 1: a difference.",
        ]),
        Some([
            "示例：\n  rmpay rerun --archive archive/ --period 2026-10",
            "Example:\n  rmpay rerun --archive archive/ --period 2026-10",
        ]),
    ),
    cmd(
        "restate",
        [
            "更正已结账月份的台账：该月及其后各已结账月份存为新版本",
            "Correct a closed month's ledger: archive new versions of it and of every later closed month",
        ],
        Some([
            "更正已结账月份的台账（以前期间调整）：按更正后的台账重算该月，存为新版本，与原版本并存（原版本永不改动）；\
其后各已结账月份也在其基础上逐月重算，存为新版本（风险金、连续月数与年累计数依次结转）。\
每位客户经理每项工资数字的已发数与应发数之差，作为调整行（补发 / 扣回）计入下一个未结账月份的工资，\
随该月一起制表、签核、结账。",
            "Correct a closed month's ledger (a prior-period adjustment): the month is \
recomputed from the corrected ledger and archived as a new version beside the original (which \
is never changed), and every later closed month is recomputed on top of it as a new version too \
(risk deposit, counters and year-to-date figures roll forward). Per RM and pay figure, what was \
paid and what is due is carried into the next open month's payroll as adjustment lines \
(补发 / 扣回), which go through that month's draft, sign-off and close.",
        ]),
        Some([
            "示例：\n  rmpay restate --archive archive/ --period 2026-09 --ledger 2026-09-corrected.xlsx \\\n      --reason \"客户 C0001 9月日均余额漏记\"",
            "Example:\n  rmpay restate --archive archive/ --period 2026-09 --ledger 2026-09-corrected.xlsx \\\n      --reason \"客户 C0001 9月日均余额漏记\"",
        ]),
    ),
    cmd(
        "payout",
        [
            "写出已结账月份的代发工资文件，供银行批量代发系统导入",
            "Write a closed month's pay-out file (代发工资) for the bank's batch-payment system",
        ],
        Some([
            "写出已结账月份的代发工资文件，供银行批量代发系统导入：有应付金额的客户经理每人一笔\
（工资汇总表的实发合计，即工资净额加退还的风险金），付至该月存档台账中的工资卡号，附总笔数与总金额；\
文件格式按该月存档政策的 `[payout]` 配置（UTF-8 或 GBK 编码的 CSV，或 xlsx）。\n\n\
只有已结账的月份才能代发：`payroll` 从不写代发文件，未结账的月份一律拒绝（退出码 1）。\
有应付金额而没有工资卡号的客户经理，在其卡号单元格处报错，此时不写任何文件。",
            "Write a closed month's pay-out file (代发工资) for the bank's batch-payment \
system: one payment per RM with an amount to pay (the register's total paid, 实发合计: net pay \
plus any risk deposit released) to the salary card (工资卡号) in the month's archived ledger, with the control count and total, laid out as the \
`[payout]` profile of the month's archived policy says (CSV in UTF-8 or GBK, or xlsx).\n\n\
Only a closed month pays out: `payroll` never writes a pay-out file, and a month that is not \
closed is refused (exit 1). An RM with an amount to pay and no card is an error at the card's \
cell; nothing is written then.",
        ]),
        Some([
            "示例：\n  rmpay payout --archive archive/ --period 2026-10 --out 代发-2026-10.csv",
            "Example:\n  rmpay payout --archive archive/ --period 2026-10 --out 代发-2026-10.csv",
        ]),
    ),
    cmd(
        "verify",
        [
            "检查档案的哈希链；列出每个被改动、删除或新增的文件",
            "Check the archive's hash chain; name every file changed, removed or added",
        ],
        None,
        Some([
            "示例：\n  rmpay verify --archive archive/ --head SHA256",
            "Example:\n  rmpay verify --archive archive/ --head SHA256",
        ]),
    ),
    cmd(
        "explain",
        [
            "列出一位客户经理的每个数字，及其规则、公式与取数",
            "Print every figure of one RM with its rule, formula and inputs",
        ],
        None,
        Some([
            "示例：\n  rmpay explain --archive archive/ --period 2026-10 --rm RM001\n  rmpay explain --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx --rm RM001",
            "Examples:\n  rmpay explain --archive archive/ --period 2026-10 --rm RM001\n  rmpay explain --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx --rm RM001",
        ]),
    ),
    cmd(
        "compare",
        [
            "按测算方案的政策重算已结账月份，写出每位客户经理的差异（档案不变）",
            "Run a proposed policy over a closed month and write the per-RM differences (the archive is unchanged)",
        ],
        None,
        Some([
            "示例：\n  rmpay compare --archive archive/ --period 2026-10 --policy proposed.toml --out out/",
            "Example:\n  rmpay compare --archive archive/ --period 2026-10 --policy proposed.toml --out out/",
        ]),
    ),
    cmd(
        "statement",
        [
            "为每位客户经理写一页可打印的工资对账单（A4）：本人工资、风险金、年累计与各项指标，各附规则与取数，不含他人的任何信息",
            "Write one printable statement per RM (A4, one page): their pay, risk deposit, year to date and figures, each with its rule and inputs, and nothing of anyone else",
        ],
        None,
        Some([
            "示例：\n  rmpay statement --archive archive/ --period 2026-10 --out statements/\n  rmpay statement --archive archive/ --period 2026-10 --rm RM001 RM002 --lang en --out statements/\n  rmpay statement --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx --out drafts/   # 标为草稿",
            "Examples:\n  rmpay statement --archive archive/ --period 2026-10 --out statements/\n  rmpay statement --archive archive/ --period 2026-10 --rm RM001 RM002 --lang en --out statements/\n  rmpay statement --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx --out drafts/   # marked draft",
        ]),
    ),
    cmd(
        "review",
        [
            "为人力资源部写出等级考核表：年度（或季度）指标、得分、各规则的结果，以及建议等级和全部理由",
            "Write the tier review for HR: annual (or quarterly) figures, scores, rule outcomes and the proposed tier with every reason",
        ],
        None,
        Some([
            "示例：\n  rmpay review --policy rules/city-commercial-bank.toml --archive archive/ --year 2026 --out out/\n  rmpay review --policy rules/bocom-nanchang.toml --ledgers ledgers/2026-*.xlsx --year 2026 --quarter 3 --out out/\n  rmpay review --policy rules/bocom-nanchang.toml --ledgers 2026-07=jul.xlsx 2026-08=aug.xlsx 2026-09=sep.xlsx \\\n      --year 2026 --quarter 3 --out out/",
            "Examples:\n  rmpay review --policy rules/city-commercial-bank.toml --archive archive/ --year 2026 --out out/\n  rmpay review --policy rules/bocom-nanchang.toml --ledgers ledgers/2026-*.xlsx --year 2026 --quarter 3 --out out/\n  rmpay review --policy rules/bocom-nanchang.toml --ledgers 2026-07=jul.xlsx 2026-08=aug.xlsx 2026-09=sep.xlsx \\\n      --year 2026 --quarter 3 --out out/",
        ]),
    ),
    cmd(
        "check",
        [
            "检查政策（以及台账是否符合政策），不写任何文件",
            "Validate a policy (and a ledger against it) without writing anything",
        ],
        None,
        Some([
            "示例：\n  rmpay check --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx",
            "Example:\n  rmpay check --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx",
        ]),
    ),
    cmd(
        "template",
        [
            "写出一份待填写的空白台账：全部工作表与表头、下拉列表，以及填写说明表",
            "Write an empty ledger workbook to fill in: every sheet and header, drop-down lists and an instructions sheet (填写说明)",
        ],
        None,
        Some([
            "示例：\n  rmpay template --policy rules/city-commercial-bank.toml --out 2026-10.xlsx\n  rmpay template --lang en --out ledger-template.xlsx   # 英文台账模板",
            "Examples:\n  rmpay template --policy rules/city-commercial-bank.toml --out 2026-10.xlsx\n  rmpay template --lang en --out ledger-template.xlsx",
        ]),
    ),
    cmd(
        "help",
        [
            "显示本帮助，或所给命令的帮助",
            "Print this message or the help of the given subcommand(s)",
        ],
        None,
        None,
    ),
];

/// Every argument's help: a command's own entry first, else the `"*"` one.
pub const ARGS: &[ArgHelp] = &[
    // Every command.
    arg(
        "*",
        "lang",
        "写出内容（工作簿、对账单、JSON 中的理由）及屏幕提示所用的语言。工作簿默认中文；\
屏幕提示在未给 --lang 时随系统的区域设置：LC_ALL、LC_MESSAGES、LANG 以 zh 开头为中文，否则为英文",
        "Language of what is written (workbooks, statements, JSON reasons) and of the console's messages. \
Workbooks default to Chinese; the console, without --lang, follows the locale (LC_ALL, LC_MESSAGES, \
LANG starting with `zh`: Chinese; else English)",
    ),
    ArgHelp {
        command: "*",
        arg: "help",
        help: [
            "显示帮助（--help 显示详细说明）",
            "Print help (see more with '--help')",
        ],
        long_help: Some([
            "显示帮助（-h 只显示摘要）",
            "Print help (see a summary with '-h')",
        ]),
    },
    arg("*", "version", "显示版本号", "Print version"),
    arg("*", "policy", "政策文件（TOML）", "The policy file (TOML)"),
    arg(
        "*",
        "rules",
        "政策版本目录：使用当月（考核则为考核期最后一个月）生效的版本",
        "A directory of policy versions: the version in force in the month (for a review, in its last month) is used",
    ),
    arg(
        "*",
        "bank",
        "与 --rules 同用：目录中有多家银行的政策时，所用政策的编号",
        "With --rules: the policy id, when the directory holds several banks' policies",
    ),
    arg(
        "*",
        "ledger",
        "当月台账工作簿（.xlsx、.xls 或 .ods）",
        "The month's ledger workbook (.xlsx, .xls or .ods)",
    ),
    arg(
        "*",
        "period",
        "月份，YYYY-MM（默认取台账日余额所在的月份，给出时须与之一致；按月日均填报的台账必须给出）",
        "The month, YYYY-MM (default: the month of the ledger's daily balances, which it must agree with; needed for a ledger of monthly averages)",
    ),
    arg(
        "*",
        "wait",
        "另一个 rmpay 正在写入档案时最多等待几秒，超时报 error[archive-busy]（0：不等待）",
        "How long to wait for another rmpay writing to the archive before giving up with error[archive-busy] (0: do not wait)",
    ),
    arg(
        "*",
        "quiet",
        "读取大台账时不显示进度行",
        "Do not show the progress line while a large ledger is read",
    ),
    arg(
        "*",
        "archive",
        "存放已结账月份的档案目录",
        "The archive of closed months",
    ),
    arg(
        "*",
        "client_detail",
        "本月客户明细写在哪里：工资表中（客户明细表和计算过程表），或工资表旁的 client-detail-YYYY-MM.csv（每位客户经理、每位客户、每个存款账户一行）",
        "Where the month's client rows go: the pay workbook (its client and trace sheets), or client-detail-YYYY-MM.csv beside it (a row per RM, client and deposit account)",
    ),
    // payroll
    arg(
        "payroll",
        "out",
        "工资表（pay-YYYY-MM.xlsx）写入的目录（没有则新建）",
        "Directory the pay workbook (pay-YYYY-MM.xlsx) is written to (created if missing)",
    ),
    arg(
        "payroll",
        "json",
        "另把结果以 JSON 写入此文件（写 `-`：输出到屏幕，即标准输出）",
        "Also write the results as JSON to this file (`-`: to standard output)",
    ),
    arg(
        "payroll",
        "archive",
        "从此档案最后一个已结账月份取期初状态（风险金、连续月数），并把本月草稿记入档案（drafts/YYYY-MM/）待签核",
        "Take the opening state (risk deposits, counters) from this archive's last closed month, and record the month's draft in the archive (drafts/YYYY-MM/) for sign-off",
    ),
    // close
    arg(
        "close",
        "archive",
        "存放已结账月份的档案目录（没有则新建）",
        "The archive of closed months (created if missing)",
    ),
    // sign
    arg(
        "sign",
        "archive",
        "存有当月草稿的档案目录",
        "The archive holding the month's draft",
    ),
    arg(
        "sign",
        "period",
        "签核的月份，YYYY-MM",
        "The month signed, YYYY-MM",
    ),
    arg(
        "sign",
        "step",
        "签核环节，写政策 [workflow] 中的编号或名称均可（如 check 或 审核）",
        "The step, by id or title as the policy's [workflow] names it (e.g. check or 审核)",
    ),
    arg(
        "sign",
        "name",
        "签核人姓名；各环节须由不同的人签核，政策 [workflow] 设 `separate_signers = false` 时除外",
        "Who signs; each step of a draft by a different person, unless the policy's [workflow] sets separate_signers = false",
    ),
    arg(
        "sign",
        "date",
        "签核日期，如 2026-11-07、2026/11/7、20261107 或 2026年11月7日，记作 YYYY-MM-DD（默认今天，并在屏幕上注明）",
        "The date signed, e.g. 2026-11-07, 2026/11/7, 20261107 or 2026年11月7日, recorded as YYYY-MM-DD (default: today's date, which is printed)",
    ),
    arg(
        "sign",
        "note",
        "随签核记录的备注",
        "A remark recorded with the sign-off",
    ),
    // rerun, restate, payout, compare: a closed month.
    arg(
        "rerun",
        "period",
        "已结账的月份，YYYY-MM",
        "The closed month, YYYY-MM",
    ),
    arg(
        "rerun",
        "version",
        "该月的版本：1 为结账时的版本，2、3……为更正后的版本（默认：现行版本）",
        "The version of the month: 1 as closed, 2, 3, … as restated (default: the version in force)",
    ),
    arg(
        "restate",
        "period",
        "已结账的月份，YYYY-MM",
        "The closed month, YYYY-MM",
    ),
    arg(
        "restate",
        "ledger",
        "该月更正后的台账",
        "The corrected ledger of that month",
    ),
    arg(
        "restate",
        "reason",
        "更正原因（记入每个新版本，每条调整行都注明）",
        "Why the month is restated (recorded in every new version and named by every adjustment line)",
    ),
    arg(
        "payout",
        "period",
        "已结账的月份，YYYY-MM",
        "The closed month, YYYY-MM",
    ),
    arg(
        "payout",
        "out",
        "要写出的代发文件（整份写成或替换，出错则不写）",
        "The file to write (replaced whole, or not at all)",
    ),
    arg(
        "compare",
        "period",
        "已结账的月份，YYYY-MM",
        "The closed month, YYYY-MM",
    ),
    arg(
        "compare",
        "policy",
        "测算方案的政策文件（TOML）",
        "The proposed policy file (TOML)",
    ),
    arg(
        "compare",
        "out",
        "对比表（compare-YYYY-MM.xlsx）写入的目录（没有则新建）",
        "Directory the comparison workbook (compare-YYYY-MM.xlsx) is written to (created if missing)",
    ),
    // verify
    arg(
        "verify",
        "head",
        "上次结账（或结账后最后一次签核）时抄下的档案校验码：档案当前的校验码须与之相同",
        "The head hash written down at the last close (or at the last step signed after it): the archive must still end in it",
    ),
    // explain and statement: a closed month, or a ledger's month computed now.
    arg(
        "explain",
        "rm",
        "要列出的客户经理编号",
        "The RM to explain, by id",
    ),
    arg(
        "explain",
        "archive",
        "档案目录：只给 --period 时，取其中已结账的月份；给 --ledger 时，从其最后一个已结账月份取期初状态",
        "An archive: with --period alone, its closed month; with --ledger, the opening state is taken from its last closed month",
    ),
    arg(
        "explain",
        "period",
        "月份，YYYY-MM：只给 --archive 时为已结账的月份；给 --ledger 时须与台账的日期一致（默认取台账日期所在的月份）",
        "The month, YYYY-MM: the closed month, with --archive alone; with --ledger, it must agree with the ledger's dates (default: their month)",
    ),
    arg(
        "explain",
        "policy",
        "政策文件（TOML），与 --ledger 同用",
        "The policy file (TOML), with --ledger",
    ),
    arg(
        "explain",
        "rules",
        "政策版本目录，与 --ledger 同用：使用当月生效的版本",
        "A directory of policy versions, with --ledger: the version in force in the month is used",
    ),
    arg(
        "explain",
        "ledger",
        "当月台账工作簿（.xlsx、.xls 或 .ods），与 --policy 或 --rules 同用：当场计算该月，不取档案中的结果",
        "The month's ledger workbook (.xlsx, .xls or .ods), with --policy or --rules: the month is computed now, not taken from the archive",
    ),
    arg(
        "statement",
        "archive",
        "档案目录：只给 --period 时，取其中已结账的月份；给 --ledger 时，从其最后一个已结账月份取期初状态",
        "An archive: with --period alone, its closed month; with --ledger, the opening state is taken from its last closed month",
    ),
    arg(
        "statement",
        "period",
        "月份，YYYY-MM：只给 --archive 时为已结账的月份；给 --ledger 时须与台账的日期一致（默认取台账日期所在的月份）",
        "The month, YYYY-MM: the closed month, with --archive alone; with --ledger, it must agree with the ledger's dates (default: their month)",
    ),
    arg(
        "statement",
        "policy",
        "政策文件（TOML），与 --ledger 同用",
        "The policy file (TOML), with --ledger",
    ),
    arg(
        "statement",
        "rules",
        "政策版本目录，与 --ledger 同用：使用当月生效的版本",
        "A directory of policy versions, with --ledger: the version in force in the month is used",
    ),
    arg(
        "statement",
        "ledger",
        "当月台账工作簿（.xlsx、.xls 或 .ods），与 --policy 或 --rules 同用：当场计算该月，不取档案中的结果",
        "The month's ledger workbook (.xlsx, .xls or .ods), with --policy or --rules: the month is computed now, not taken from the archive",
    ),
    arg(
        "statement",
        "rms",
        "只写这些客户经理的对账单（默认：当月全部客户经理）",
        "Only these RMs (default: every RM of the month)",
    ),
    arg(
        "statement",
        "out",
        "对账单写入的目录（没有则新建）",
        "Directory the statements are written to (created if missing)",
    ),
    // review
    arg(
        "review",
        "archive",
        "从此档案取各已结账月份",
        "Take the months from this archive of closed months",
    ),
    arg(
        "review",
        "ledgers",
        "各月台账，顺序不限。每份台账的月份取其日余额所在的月份；按月日均填报的台账，取文件名中的月份\
（2026-10.xlsx、202610.xlsx、2026年10月.xlsx）；写成 YYYY-MM=FILE 可直接指定月份",
        "The months' ledgers, in any order. Each one's month is that of its daily balances or, for a ledger of monthly averages, the one in its file name (2026-10.xlsx, 202610.xlsx, 2026年10月.xlsx); YYYY-MM=FILE gives it outright",
    ),
    arg(
        "review",
        "year",
        "考核年度，YYYY",
        "The year reviewed, YYYY",
    ),
    arg(
        "review",
        "quarter",
        "只考核一个季度（1–4），不考核全年：给出全年台账时，只用该季度的三个月",
        "Review one quarter (1–4) instead of the whole year: of the year's ledgers, the quarter's three months are used",
    ),
    arg(
        "review",
        "partial",
        "允许缺少月份；此时各表都标为部分期间",
        "Allow months to be missing; every sheet is then marked partial",
    ),
    arg(
        "review",
        "previous_review",
        "上年度考核结果的 JSON 文件（用于“连续两年”之类的规则）",
        "Last year's review JSON (for rules such as \"two years running\")",
    ),
    arg(
        "review",
        "out",
        "考核表（review-YYYY.xlsx、review-YYYY-QN.xlsx）写入的目录（没有则新建）",
        "Directory the review workbook (review-YYYY.xlsx, review-YYYY-QN.xlsx) is written to (created if missing)",
    ),
    arg(
        "review",
        "json",
        "另把考核结果以 JSON 写入此文件（写 `-`：输出到屏幕，即标准输出）",
        "Also write the review as JSON to this file (`-`: to standard output)",
    ),
    arg(
        "review",
        "notices",
        "另为每位客户经理写一份可打印的考核结果通知书（一人一份），存入此目录（没有则新建）",
        "Also write each RM's notice of the result (考核结果通知书), one printable file per RM, into this directory (created if missing)",
    ),
    // check
    arg(
        "check",
        "ledger",
        "要按政策检查的台账工作簿（.xlsx、.xls 或 .ods）",
        "A ledger workbook to check against the policy (.xlsx, .xls or .ods)",
    ),
    // template
    arg(
        "template",
        "policy",
        "政策文件：其中的等级填入等级列的下拉列表",
        "The policy whose tiers fill the tier column's drop-down list",
    ),
    arg(
        "template",
        "rules",
        "政策版本目录：使用 --period 所给月份生效的版本",
        "A directory of policy versions: the version in force in --period is used",
    ),
    arg(
        "template",
        "period",
        "与 --rules 同用：台账所属的月份，YYYY-MM",
        "With --rules: the month the ledger is for, YYYY-MM",
    ),
    arg(
        "template",
        "out",
        "要写出的工作簿（.xlsx）",
        "The workbook to write (.xlsx)",
    ),
];

/// The possible values' help: (argument id, value, Chinese, English).
pub const VALUES: &[(&str, &str, &str, &str)] = &[
    (
        "lang",
        "zh",
        "中文（工作簿的默认语言）",
        "Chinese (workbooks' default)",
    ),
    ("lang", "en", "英文", "English"),
    (
        "client_detail",
        "auto",
        "本月客户明细超过 100,000 行时写入文件，否则写在工资表中",
        "The file when the month has more than 100,000 client rows, else the workbook",
    ),
    (
        "client_detail",
        "workbook",
        "写在工资表中，不论多少行",
        "The pay workbook, however many",
    ),
    (
        "client_detail",
        "file",
        "写入工资表旁的 client-detail-YYYY-MM.csv，不论多少行",
        "The file client-detail-YYYY-MM.csv beside the workbook, however few",
    ),
];

labels! {
    // clap's own words, which a Chinese help replaces.
    usage_heading => "用法：", "Usage:";
    commands_heading => "命令：", "Commands:";
    arguments_heading => "参数：", "Arguments:";
    options_heading => "选项：", "Options:";
    possible_values_heading => "可选值：", "Possible values:";
    default_value => "（默认：{value}）", " [default: {value}]";
    possible_values => "（可选：{values}）", " [possible values: {values}]";
}

/// A command's texts, by name (`""`: rmpay itself).
pub fn command_help(name: &str) -> Option<&'static CommandHelp> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// An argument's help in `command`: its own entry, else the `"*"` one.
pub fn arg_help(command: &str, id: &str) -> Option<&'static ArgHelp> {
    let own = ARGS.iter().find(|a| a.command == command && a.arg == id);
    own.or_else(|| ARGS.iter().find(|a| a.command == "*" && a.arg == id))
}

/// A possible value's help.
pub fn value_help(arg: &str, value: &str) -> Option<[&'static str; 2]> {
    VALUES
        .iter()
        .find(|(a, v, _, _)| *a == arg && *v == value)
        .map(|(_, _, zh, en)| [*zh, *en])
}

/// `--lang`'s value as typed (`--lang zh`, `--lang=en`), looked up before
/// clap parses the line: help is printed while parsing, in the console's
/// language, which `--lang` sets. An unknown value is left to clap to
/// refuse.
pub fn lang_in_args(args: &[OsString]) -> Option<Lang> {
    let mut it = args.iter().skip(1).map(|a| a.to_str());
    let mut value = None;
    while let Some(a) = it.next() {
        match a {
            Some("--") => break,
            Some("--lang") => value = it.next().flatten(),
            Some(a) if a.starts_with("--lang=") => value = Some(&a["--lang=".len()..]),
            _ => continue,
        }
        break;
    }
    match value {
        Some("zh") => Some(Lang::Zh),
        Some("en") => Some(Lang::En),
        _ => None,
    }
}

/// The command line `cmd` (the derive's, not yet built) with every help
/// text in `l`: the catalogue's entries, and, in Chinese, clap's headings,
/// defaults and possible values in Chinese words. A command or argument
/// without an entry keeps the derive's text (a test fails on it).
pub fn localize(mut cmd: Command, l: Lang) -> Command {
    // In Chinese, built first, so that the `--help` and `--version` flags
    // and the `help` command clap adds are there to be given their texts.
    // Not in English, whose texts for those are clap's own: building here
    // would also list every command under `rmpay help help`, where clap's
    // own build gives `[COMMAND]...`, and the English help stays as it was.
    if l == Lang::Zh {
        cmd.build();
    }
    localize_command(cmd, "", l)
}

fn localize_command(mut cmd: Command, key: &str, l: Lang) -> Command {
    let i = l as usize;
    if let Some(h) = command_help(key) {
        cmd = cmd.about(h.about[i]);
        if let Some(t) = h.long_about {
            cmd = cmd.long_about(t[i]);
        }
        if let Some(t) = h.after_help {
            cmd = cmd.after_help(t[i]);
        }
    }
    // `mut_arg` moves the argument to the end: going through all of them
    // in order keeps their order (and so the usage line's).
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(&id, |a| localize_arg(a, key, l));
    }
    if l == Lang::Zh {
        let template = zh_template(&cmd);
        cmd = cmd.help_template(template);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        // `rmpay help payroll` shows payroll's summary: key by the command
        // named, at any depth.
        cmd = cmd.mut_subcommand(&name, |s| localize_command(s, &name, l));
    }
    cmd
}

fn localize_arg(mut a: clap::Arg, command: &str, l: Lang) -> clap::Arg {
    let i = l as usize;
    let id = a.get_id().to_string();
    let Some(h) = arg_help(command, &id) else {
        return a;
    };
    let mut help = h.help[i].to_string();
    // clap gives `--help` a text of its own only where the command has a
    // longer description somewhere.
    let mut long = h
        .long_help
        .filter(|_| a.get_long_help().is_some())
        .map(|t| t[i].to_string());
    if l == Lang::Zh {
        // clap writes `[default: 30]` and `[possible values: …]` in English
        // words: a Chinese help says them itself.
        let takes_value = a.get_action().takes_values();
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if takes_value && !defaults.is_empty() {
            let said = default_value(l).replace("{value}", &defaults.join(" "));
            add_aside(&mut help, &said);
            a = a.hide_default_value(true);
        }
        let values = a.get_possible_values();
        if takes_value && !values.is_empty() {
            let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
            // One newline: clap indents every line of a help, blank
            // ones too, and a blank line would end in spaces.
            let mut list = format!("\n{}", possible_values_heading(l));
            for v in &values {
                let said = value_help(&id, v.get_name())
                    .map(|t| t[i])
                    .unwrap_or_default();
                list.push_str(&format!("\n- {}：{said}", v.get_name()));
            }
            long = Some(format!("{help}{list}"));
            let said = possible_values(l).replace("{values}", &names.join(super::list_sep(l)));
            add_aside(&mut help, &said);
            a = a.hide_possible_values(true);
        }
    }
    a = a.help(help);
    if let Some(t) = long {
        a = a.long_help(t);
    }
    a
}

/// A Chinese aside (`（默认：30）`) added to a help: after a help that ends
/// in one already, inside it (`（0：不等待；默认：30）`), not a second one
/// beside it.
fn add_aside(help: &mut String, aside: &str) {
    match (help.strip_suffix('）'), aside.strip_prefix('（')) {
        (Some(open), Some(inner)) => *help = format!("{open}；{inner}"),
        _ => help.push_str(aside),
    }
}

/// A Chinese help's layout: clap's default (`{usage-heading}`,
/// `{all-args}`), with the headings in Chinese.
fn zh_template(cmd: &Command) -> String {
    let l = Lang::Zh;
    let mut t = format!(
        "{{before-help}}{{about-with-newline}}\n{}{{usage}}",
        usage_heading(l)
    );
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        t.push_str(&format!("\n\n{}\n{{subcommands}}", commands_heading(l)));
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        t.push_str(&format!("\n\n{}\n{{positionals}}", arguments_heading(l)));
    }
    if cmd
        .get_arguments()
        .any(|a| !a.is_positional() && !a.is_hide_set())
    {
        t.push_str(&format!("\n\n{}\n{{options}}", options_heading(l)));
    }
    t.push_str("{after-help}");
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    fn text(s: Option<&clap::builder::StyledStr>) -> Option<String> {
        s.map(|s| s.to_string())
    }

    /// Every command and argument of the command line has an entry, whose
    /// English is the derive's own text, so the English help is unchanged
    /// and a new flag without a Chinese help fails here.
    fn check(c: &clap::Command, key: &str, problems: &mut Vec<String>) {
        let at = c.get_bin_name().unwrap_or("rmpay");
        // `rmpay help payroll` has payroll's summary only.
        let under_help = at.starts_with("rmpay help ");
        match command_help(key) {
            None => problems.push(format!("{at}: no entry in text::help::COMMANDS")),
            Some(h) => {
                let pairs = [
                    ("about", Some(h.about), text(c.get_about())),
                    ("long_about", h.long_about, text(c.get_long_about())),
                    ("after_help", h.after_help, text(c.get_after_help())),
                ];
                for (what, entry, derive) in pairs {
                    let entry = entry.filter(|_| what == "about" || !under_help);
                    if entry.map(|t| t[1].to_string()) != derive {
                        problems.push(format!(
                            "{at}: {what}: catalogue {entry:?}, derive {derive:?}"
                        ));
                    }
                }
            }
        }
        for a in c.get_arguments() {
            let id = a.get_id().as_str();
            let Some(h) = arg_help(key, id) else {
                problems.push(format!("{at} --{id}: no entry in text::help::ARGS"));
                continue;
            };
            if Some(h.help[1].to_string()) != text(a.get_help()) {
                problems.push(format!(
                    "{at} --{id}: catalogue {:?}, derive {:?}",
                    h.help[1],
                    a.get_help()
                ));
            }
            if a.get_long_help().is_some()
                && h.long_help.map(|t| t[1].to_string()) != text(a.get_long_help())
            {
                problems.push(format!("{at} --{id}: long help differs from the derive's"));
            }
            for v in a.get_possible_values() {
                let entry = value_help(id, v.get_name()).map(|t| t[1].to_string());
                if entry.is_none() || entry != text(v.get_help()) {
                    problems.push(format!(
                        "{at} --{id} {}: catalogue {entry:?}, derive {:?}",
                        v.get_name(),
                        v.get_help()
                    ));
                }
            }
        }
        for s in c.get_subcommands() {
            check(s, s.get_name(), problems);
        }
    }

    #[test]
    fn every_command_and_argument_has_both_languages() {
        let mut c = crate::cli::Cli::command();
        c.build();
        let mut problems = Vec::new();
        check(&c, "", &mut problems);
        assert_eq!(problems, Vec::<String>::new());
        // And every entry is used: no help for a flag that is gone.
        let mut ids = Vec::new();
        fn walk(c: &clap::Command, key: &str, ids: &mut Vec<(String, String)>) {
            for a in c.get_arguments() {
                ids.push((key.to_string(), a.get_id().to_string()));
            }
            for s in c.get_subcommands() {
                walk(s, s.get_name(), ids);
            }
        }
        walk(&c, "", &mut ids);
        for a in ARGS {
            let used = ids
                .iter()
                .any(|(k, id)| id == a.arg && (a.command == "*" || k == a.command));
            assert!(
                used,
                "text::help::ARGS: `{} --{}` is no argument of rmpay",
                a.command, a.arg
            );
            assert!(has_cjk(a.help[0]), "{} --{}: no Chinese", a.command, a.arg);
        }
        for h in COMMANDS {
            assert!(
                c.get_subcommands().any(|s| s.get_name() == h.name) || h.name.is_empty(),
                "{}",
                h.name
            );
            assert!(has_cjk(h.about[0]), "{}: no Chinese", h.name);
        }
    }

    #[test]
    fn headings_have_both_languages() {
        for (key, zh, en) in LABELS {
            assert!(has_cjk(zh) && !has_cjk(en), "{key}: {zh} / {en}");
            let words = zh.replace("{values}", "").replace("{value}", "");
            assert!(
                !words.chars().any(|c| c.is_ascii_alphabetic()),
                "{key}: {zh}"
            );
        }
    }

    #[test]
    fn lang_is_found_before_parsing() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_in_args(&args(&["rmpay", "--lang", "zh", "payroll", "-h"])),
            Some(Lang::Zh)
        );
        assert_eq!(
            lang_in_args(&args(&["rmpay", "payroll", "-h", "--lang=en"])),
            Some(Lang::En)
        );
        assert_eq!(lang_in_args(&args(&["rmpay", "payroll", "--lang"])), None);
        assert_eq!(
            lang_in_args(&args(&["rmpay", "payroll", "--lang", "fr"])),
            None
        );
        assert_eq!(lang_in_args(&args(&["rmpay", "--", "--lang", "zh"])), None);
    }
}
