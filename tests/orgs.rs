mod common;

use common::{Anonymous, TestApp};
use serde_json::json;

#[tokio::test]
async fn admins_build_the_tree_and_everyone_reads_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let district = app
        .create_org_unit(
            &admin,
            &json!({"code": "Q.DD", "name": "Quận Đống Đa", "kind": "district"}),
        )
        .await;
    assert_eq!(district.status, 201, "{}", district.text);
    let district_id = district.body["id"].as_str().expect("id").to_owned();
    let ward = app
        .create_org_unit(&admin, &json!({"code": "P.KL", "name": "Phường Kim Liên", "kind": "ward", "parent_id": district_id}))
        .await;
    assert_eq!(ward.status, 201);
    assert_eq!(ward.body["parent_id"], district_id.as_str());

    let duplicate = app
        .create_org_unit(
            &admin,
            &json!({"code": "q.dd", "name": "Trùng", "kind": "district"}),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    let bad = app
        .create_org_unit(
            &admin,
            &json!({"code": "a b", "name": "", "kind": "galaxy", "parent_id": "nope"}),
        )
        .await;
    assert_eq!(bad.status, 422);
    let fields = &bad.body["error"]["details"]["fields"];
    assert!(
        fields["code"].is_string() && fields["name"].is_string() && fields["kind"].is_string(),
        "{fields}"
    );
    let orphan = app
        .create_org_unit(
            &admin,
            &json!({"code": "X1", "name": "Mồ côi", "kind": "school", "parent_id": "nope"}),
        )
        .await;
    assert_eq!(orphan.status, 422);
    assert!(orphan.body["error"]["details"]["fields"]["parent_id"].is_string());

    let participant = app.register("hoc.sinh").await;
    let denied = app
        .create_org_unit(
            &participant,
            &json!({"code": "Z", "name": "Z", "kind": "other"}),
        )
        .await;
    assert_eq!(denied.status, 403);

    let tree = app.org_units(Anonymous).await;
    assert_eq!(tree.status, 200);
    assert_eq!(tree.body["total"], 2);
    let names: Vec<&str> = tree.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert!(names.contains(&"Phường Kim Liên"));
}

#[tokio::test]
async fn csv_import_orders_parents_first() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    // Children before their parents, a BOM, CRLF line ends and a quoted name with a comma.
    let csv = "\u{FEFF}code,name,kind,parent_code\r\n8A,\"Lớp 8A, khối 8\",class,THCS.KL\r\nTHCS.KL,Trường THCS Kim Liên,school,P.KL\r\nP.KL,Phường Kim Liên,ward,Q.DD\r\nQ.DD,Quận Đống Đa,district,\r\n";
    let response = app.import_org_units(&admin, csv).await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.body["created"], 4);
    let tree = app.org_units(Anonymous).await;
    let items = tree.body["items"].as_array().expect("items");
    let find = |code: &str| {
        items
            .iter()
            .find(|u| u["code"] == code)
            .cloned()
            .expect("unit")
    };
    assert_eq!(find("8A")["parent_id"], find("THCS.KL")["id"]);
    assert_eq!(find("8A")["name"], "Lớp 8A, khối 8");
    assert_eq!(find("Q.DD")["parent_id"], serde_json::Value::Null);

    // A later import may hang units under existing ones.
    let more = app
        .import_org_units(
            &admin,
            "code,name,kind,parent_code\n8B,Lớp 8B,class,thcs.kl\n",
        )
        .await;
    assert_eq!(more.status, 201, "{}", more.text);
}

#[tokio::test]
async fn cycles_unknown_parents_and_duplicates_refuse_the_file() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    app.import_org_units(&admin, "code,name,kind,parent_code\nQ1,Quận 1,district,\n")
        .await;
    let csv = "code,name,kind,parent_code\n\
               A,Đơn vị A,ward,B\n\
               B,Đơn vị B,ward,A\n\
               C,Đơn vị C,school,KHONG.CO\n\
               Q1,Trùng mã có sẵn,district,\n\
               D,Đơn vị D,school,Q1\n\
               d,Trùng mã trong tệp,school,Q1\n\
               E,Đơn vị E,planet,Q1\n";
    let response = app.import_org_units(&admin, csv).await;
    assert_eq!(response.status, 422, "{}", response.text);
    let rows = response.body["error"]["details"]["rows"]
        .as_array()
        .expect("rows");
    let found: Vec<(u64, String)> = rows
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["field"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    for (line, field) in [
        (2, "parent_code"),
        (3, "parent_code"),
        (4, "parent_code"),
        (5, "code"),
        (7, "code"),
        (8, "kind"),
    ] {
        assert!(
            found.contains(&(line, field.to_owned())),
            "line {line} {field} in {found:?}"
        );
    }
    let tree = app.org_units(Anonymous).await;
    assert_eq!(
        tree.body["total"], 1,
        "nothing of the refused file was written"
    );

    let header_missing = app.import_org_units(&admin, "code,name\nA,B\n").await;
    assert_eq!(header_missing.status, 400);
    let not_utf8 = app.import_org_units(&admin, vec![0xff, 0xfe, 0x41]).await;
    assert_eq!(not_utf8.status, 400);
}
