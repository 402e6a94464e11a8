//! The engine's vocabulary, each word declared once with its spellings:
//! products, roles, statuses, loan classes, review decisions, periods and
//! the metrics a policy may name. The policy, the ledger reader, the
//! metrics and the reports all take their words from here; nothing here is
//! specific to one bank.

pub mod metric;
pub mod period;

pub use metric::{Metric, Scope};
pub use period::Period;

/// A value of an enumeration as the ledger may spell it: the English id,
/// the Chinese label, and other accepted spellings.
#[derive(Debug, PartialEq, Eq)]
pub struct Choice {
    pub id: &'static str,
    pub zh: &'static str,
    /// Other accepted spellings.
    pub aliases: &'static [&'static str],
}

/// An enumeration from one table: each value's id, Chinese and English
/// names and other accepted spellings. Gives `ALL` (in table order),
/// `IDS`, `id`, `zh`, `en`, `from_id` and `CHOICES` (for the ledger reader and the
/// template's drop-down lists).
macro_rules! words {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $v:ident => $id:literal, $zh:literal, $en:literal, [$($alias:literal),*]; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $v, )*
        }

        impl $name {
            /// Every value, in the table's order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// Every id, in the table's order.
            pub const IDS: &'static [&'static str] = &[$($id),*];

            /// Every value as the ledger may spell it, in the table's order.
            pub const CHOICES: &'static [Choice] = &[
                $( Choice { id: $id, zh: $zh, aliases: &[$($alias),*] }, )*
            ];

            /// The English id, as policies and outputs spell it.
            pub fn id(self) -> &'static str {
                match self {
                    $( $name::$v => $id, )*
                }
            }

            /// The Chinese name.
            pub fn zh(self) -> &'static str {
                match self {
                    $( $name::$v => $zh, )*
                }
            }

            /// The English name.
            pub fn en(self) -> &'static str {
                match self {
                    $( $name::$v => $en, )*
                }
            }

            /// The value of an id.
            pub fn from_id(id: &str) -> Option<$name> {
                match id {
                    $( $id => Some($name::$v), )*
                    _ => None,
                }
            }
        }
    };
}

words! {
    /// An RM's role (岗位).
    pub enum Role {
        Rm => "rm", "客户经理", "relationship manager", [];
        Agent => "agent", "业务代办员", "agent", [];
        BranchHead => "branch_head", "支行行长", "branch head", [];
    }
}

words! {
    /// Whether an RM is in post (在岗) or has left (离岗).
    pub enum Status {
        Active => "active", "在岗", "active", [];
        Left => "left", "离岗", "left", [];
    }
}

words! {
    /// A deposit product.
    pub enum Product {
        Demand => "demand", "活期", "demand", ["活期存款"];
        Time => "time", "定期", "time", ["定期存款"];
        Agreement => "agreement", "协议存款", "agreement", ["协议"];
    }
}

words! {
    /// A loan's five-level risk class (五级分类).
    pub enum LoanClass {
        Normal => "normal", "正常", "normal", ["正常类"];
        SpecialMention => "special_mention", "关注", "special mention", ["关注类"];
        Substandard => "substandard", "次级", "substandard", ["次级类"];
        Doubtful => "doubtful", "可疑", "doubtful", ["可疑类"];
        Loss => "loss", "损失", "loss", ["损失类"];
    }
}

impl LoanClass {
    /// 后三类: substandard, doubtful, loss.
    pub fn is_non_performing(self) -> bool {
        matches!(
            self,
            LoanClass::Substandard | LoanClass::Doubtful | LoanClass::Loss
        )
    }
}

words! {
    /// What a review decides for an RM.
    pub enum Decision {
        Keep => "keep", "保持", "keep", [];
        Promote => "promote", "晋升", "promote", [];
        Demote => "demote", "降级", "demote", [];
        Terminate => "terminate", "解聘", "terminate", [];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ledger reader matches a cell against `CHOICES` and takes the
    /// value at the same index of `ALL`: the two come from the same rows.
    #[test]
    fn choices_and_values_come_from_the_same_rows() {
        fn same<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            choices: &[Choice],
            id: fn(T) -> &'static str,
            zh: fn(T) -> &'static str,
            from_id: fn(&str) -> Option<T>,
        ) {
            assert_eq!(all.len(), choices.len());
            for (v, c) in all.iter().zip(choices) {
                assert_eq!((id(*v), zh(*v)), (c.id, c.zh));
                assert_eq!(from_id(c.id), Some(*v));
            }
        }
        same(Role::ALL, Role::CHOICES, Role::id, Role::zh, Role::from_id);
        same(
            Status::ALL,
            Status::CHOICES,
            Status::id,
            Status::zh,
            Status::from_id,
        );
        same(
            Product::ALL,
            Product::CHOICES,
            Product::id,
            Product::zh,
            Product::from_id,
        );
        same(
            LoanClass::ALL,
            LoanClass::CHOICES,
            LoanClass::id,
            LoanClass::zh,
            LoanClass::from_id,
        );
        same(
            Decision::ALL,
            Decision::CHOICES,
            Decision::id,
            Decision::zh,
            Decision::from_id,
        );
        assert_eq!(Product::CHOICES[2].aliases, ["协议"]);
        assert_eq!(Decision::from_id("fire"), None);
    }
}
