//! The in-process backend, for the embedded default (one server process): per board, the
//! lines by id and one ordered set per scope.

use std::collections::{BTreeSet, HashMap};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::envelope::{Envelope, id_of_member};
use super::{Around, Recorded, StoredPage};

#[derive(Default)]
struct Board {
    lines: HashMap<String, Envelope>,
    scopes: HashMap<String, BTreeSet<(i64, String)>>,
}

impl Board {
    fn insert(&mut self, line: Envelope) {
        if let Some(held) = self.lines.remove(&line.i) {
            for (scope, score, member) in held.placements() {
                if let Some(set) = self.scopes.get_mut(scope) {
                    set.remove(&(score, member.to_owned()));
                }
            }
        }
        for (scope, score, member) in line.placements() {
            self.scopes
                .entry(scope.to_owned())
                .or_default()
                .insert((score, member.to_owned()));
        }
        self.lines.insert(line.i.clone(), line);
    }

    fn json_of(&self, keys: impl Iterator<Item = (i64, String)>) -> Vec<String> {
        keys.filter_map(|(_, member)| self.lines.get(id_of_member(&member)).map(|l| l.l.clone()))
            .collect()
    }
}

#[derive(Default)]
pub struct MemoryStore {
    boards: RwLock<HashMap<String, Board>>,
}

impl MemoryStore {
    fn write(&self) -> RwLockWriteGuard<'_, HashMap<String, Board>> {
        self.boards.write().unwrap_or_else(|p| p.into_inner())
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, Board>> {
        self.boards.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn put(&self, namespace: &str, line: Envelope) -> Recorded {
        let mut boards = self.write();
        let Some(board) = boards.get_mut(namespace) else {
            return Recorded::NotBuilt;
        };
        if board
            .lines
            .get(&line.i)
            .is_some_and(|held| !line.supersedes(held))
        {
            return Recorded::Unchanged;
        }
        board.insert(line);
        Recorded::Changed
    }

    pub fn replace(&self, namespace: &str, lines: Vec<Envelope>) {
        let mut board = Board::default();
        for line in lines {
            board.insert(line);
        }
        self.write().insert(namespace.to_owned(), board);
    }

    pub fn is_built(&self, namespace: &str) -> bool {
        self.read().contains_key(namespace)
    }

    pub fn page(
        &self,
        namespace: &str,
        scope: &str,
        offset: u64,
        limit: u64,
    ) -> Option<StoredPage> {
        let boards = self.read();
        let board = boards.get(namespace)?;
        let Some(set) = board.scopes.get(scope) else {
            return Some((Vec::new(), 0));
        };
        let keys = set
            .iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .cloned();
        Some((board.json_of(keys), set.len() as u64))
    }

    pub fn around(&self, namespace: &str, scope: &str, id: &str, radius: u64) -> Option<Around> {
        let boards = self.read();
        let board = boards.get(namespace)?;
        let found = board.lines.get(id).and_then(|line| {
            let (_, score, member) = line.placements().find(|(s, _, _)| *s == scope)?;
            let set = board.scopes.get(scope)?;
            let key = (score, member.to_owned());
            let rank = set.range(..&key).count() as u64;
            let first = rank.saturating_sub(radius);
            let window = set
                .iter()
                .skip(first as usize)
                .take((rank - first).saturating_add(radius).saturating_add(1) as usize)
                .cloned();
            Some((first, (board.json_of(window), set.len() as u64)))
        });
        Some(found)
    }

    pub fn lines(&self, namespace: &str, ids: &[&str]) -> Option<Vec<Option<String>>> {
        let boards = self.read();
        let board = boards.get(namespace)?;
        Some(
            ids.iter()
                .map(|id| board.lines.get(*id).map(|l| l.l.clone()))
                .collect(),
        )
    }

    pub fn forget(&self, namespace: &str) {
        self.write().remove(namespace);
    }
}
