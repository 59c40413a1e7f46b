import XCTest
import AdvocompKit
import AdvocompTestSupport

/// What a first-time user meets on the samples (issue 15 point 6): the KPIs of other plans
/// in a shared actuals file are one warning (`UnusedKPIs`), and a YAML file is checked as
/// what it holds, a plan or an OKR set (`YAMLDocumentKind`, `Pipeline.check`).
final class FirstRunTests: XCTestCase {
    // MARK: KPIs in the actuals that no plan uses

    static let plan = """
        plan: p
        version: "1"
        currency: USD
        pays: quarter
        kpis:
          nrr: { target: 105% }
          cac: { better: lower, target: 18 }
        components:
          - { id: a, weight: 100%, measures: [{ kpi: nrr, weight: 50% }, { kpi: cac, weight: 50% }] }
        """

    /// Seven KPIs no plan defines (one of them twice, apart), one a misspelling of `nrr`.
    static let actuals = """
        period,scope,kpi,value
        2026-Q1,company,nrr,1.05
        2026-Q1,company,cac,18
        2026-Q1,company,alpha,1
        2026-Q1,company,bravo,1
        2026-Q1,company,nrx,1
        2026-Q1,company,charlie,1
        2026-Q2,company,alpha,1
        2026-Q1,company,delta,1
        2026-Q1,company,echo,1
        2026-Q1,company,foxtrot,1
        """

    func read(_ text: String) -> Actuals {
        var diagnostics: [Diagnostic] = []
        let a = ActualsReader.read(file: "actuals.csv", bytes: Array(text.utf8), diagnostics: &diagnostics)
        XCTAssertEqual(TestSupport.rendered(diagnostics), [])
        return a
    }

    func testKPIsNoPlanDefinesAreOneWarningAndAMisspellingKeepsItsOwn() {
        let outcome = TestSupport.calculate(plan: Self.plan, roster: "payee_id,target_bonus\nA,1000\n", actuals: Self.actuals, period: "2026-Q1")
        XCTAssertNotNil(outcome.result)
        XCTAssertEqual(TestSupport.rendered(outcome.diagnostics), [
            "actuals.csv:4:1: warning: 6 KPIs in the actuals are not defined by plan 'p'; their rows are ignored: alpha, bravo, charlie, delta, echo and 1 more",
            "actuals.csv:6:1: warning: KPI 'nrx' is not defined by plan 'p'; its rows are ignored; did you mean 'nrr'?",
        ])
    }

    func testTheSummaryNamesThemAllUpToFiveAndOneIsAsBefore() {
        let five = read("period,scope,kpi,value\n2026-Q1,company,aa,1\n2026-Q1,company,bb,1\n2026-Q1,company,cc,1\n2026-Q1,company,dd,1\n2026-Q1,company,ee,1\n")
        XCTAssertEqual(TestSupport.rendered(UnusedKPIs.warnings(five, used: ["nrr"], plans: ["p"])), [
            "actuals.csv:2:1: warning: 5 KPIs in the actuals are not defined by plan 'p'; their rows are ignored: aa, bb, cc, dd, ee",
        ])
        let one = read("period,scope,kpi,value\n2026-Q1,company,nrr,1\n2026-Q1,company,zzz,1\n")
        XCTAssertEqual(TestSupport.rendered(UnusedKPIs.warnings(one, used: ["nrr"], plans: ["p"])), [
            "actuals.csv:3:1: warning: KPI 'zzz' is not defined by plan 'p'; its rows are ignored",
        ])
        XCTAssertEqual(UnusedKPIs.warnings(one, used: ["nrr", "zzz"], plans: ["p"]), [])
    }

    /// A run of several plans on one actuals file warns once, about the KPIs none of them
    /// defines: the caller turns the per-plan warning off and passes the union.
    func testSeveralPlansWarnOnceOverTheUnionOfTheirKPIs() throws {
        let actuals = read(Self.actuals)
        XCTAssertEqual(TestSupport.rendered(UnusedKPIs.warnings(actuals, used: ["nrr", "cac", "alpha", "bravo", "charlie", "delta"], plans: ["p", "q"])), [
            "actuals.csv:6:1: warning: KPI 'nrx' is not defined by any plan of the run ('p', 'q'); its rows are ignored; did you mean 'nrr'?",
            "actuals.csv:10:1: warning: 2 KPIs in the actuals are not defined by any plan of the run ('p', 'q'); their rows are ignored: echo, foxtrot",
        ])
        var request = CalculationRequest(plan: InputFile(path: "plan.yaml", bytes: Array(Self.plan.utf8)),
                                         roster: InputFile(path: "roster.csv", bytes: Array("payee_id,target_bonus\nA,1000\n".utf8)),
                                         actuals: InputFile(path: "actuals.csv", bytes: Array(Self.actuals.utf8)), period: "2026-Q1")
        request.warnUnusedKPIs = false
        let outcome = Pipeline.calculate(request) { _ in .failure(PlanParser.FileLoadError("none")) }
        XCTAssertEqual(TestSupport.rendered(outcome.diagnostics), [])
        // The run's actuals are what the caller passes, with the union of its plans' KPIs.
        let run = try XCTUnwrap(outcome.result)
        let union = Set(run.plan.kpis.map(\.id)).union(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "nrx"])
        XCTAssertEqual(UnusedKPIs.warnings(try XCTUnwrap(run.actuals), used: union, plans: ["p", "q"]), [])
    }

    // MARK: A plan or an OKR set

    static let okrSet = """
        okrs:
          - id: growth
            objective: Grow
            key_results:
              - { id: kr1, kpi: pipe, start: 0, target: 1000, weight: 50% }
              - { id: kr2, kpi: cac, start: 30, target: 20, weight: 50% }
        """

    func kind(_ text: String) -> YAMLDocumentKind { YAMLDocumentKind.of(bytes: Array(text.utf8), file: "f.yaml") }

    func check(_ text: String) -> CheckedFile {
        Pipeline.check(InputFile(path: "f.yaml", bytes: Array(text.utf8))) { _ in .failure(PlanParser.FileLoadError("none")) }
    }

    func testAFileIsAPlanOrAnOKRSetByItsTopLevelKeys() {
        XCTAssertEqual(kind(Self.okrSet), .okrSet)
        XCTAssertEqual(kind(Self.plan), .plan)
        // A plan with its OKRs inline is a plan; so is one missing its `plan:` key.
        XCTAssertEqual(kind(Self.plan + "\nokrs: []\n"), .plan)
        XCTAssertEqual(kind("version: \"1\"\nokrs: []\n"), .plan)
        // What YAML cannot read is read as a plan, which reports it as validate always has.
        XCTAssertEqual(kind(""), .plan)
        XCTAssertEqual(kind("okrs: [\n"), .plan)
        // An OKR set with a stray key is still one (its reader reports the key).
        XCTAssertEqual(kind("okrs: []\nowner: me\n"), .okrSet)
    }

    func testAFileThatIsNeitherSaysSoLocated() {
        func neither(_ text: String) -> String? {
            if case .neither(let d) = kind(text) { return d.description }
            return nil
        }
        XCTAssertEqual(neither("- a\n- b\n"),
                       "f.yaml:1:1: error: this is neither a plan nor an OKR set: it holds a list, and a plan has 'plan:', 'kpis:' and 'components:'; an OKR set holds only 'okrs:'")
        XCTAssertEqual(neither("\n\nfoo: 1\nbar: 2\n"),
                       "f.yaml:3:1: error: this is neither a plan nor an OKR set: it has the keys 'foo', 'bar', and a plan has 'plan:', 'kpis:' and 'components:'; an OKR set holds only 'okrs:'")
        XCTAssertEqual(neither("okr:\n  - id: x\n"),
                       "f.yaml:1:1: error: this is neither a plan nor an OKR set: it has the key 'okr', and a plan has 'plan:', 'kpis:' and 'components:'; an OKR set holds only 'okrs:'; did you mean 'okrs' for 'okr'?")
        XCTAssertEqual(neither("scenario: base\nkpis:\n  nrr: { distribution: fixed, value: 1 }\n"),
                       "f.yaml:1:1: error: this is a scenario (for advocomp simulate --scenario), not a plan or an OKR set: a plan has 'plan:', 'kpis:' and 'components:'; an OKR set holds only 'okrs:'")
    }

    func testAnOKRSetIsCheckedWithTheOKRReader() {
        guard case .okrSet(let objectives, let diagnostics) = check(Self.okrSet) else { return XCTFail("not an OKR set") }
        XCTAssertEqual(objectives?.map(\.id), ["growth"])
        XCTAssertEqual(objectives?.first?.keyResults.map(\.kpi), ["pipe", "cac"])
        XCTAssertEqual(TestSupport.rendered(diagnostics), [])

        let broken = """
            okrs:
              - id: growth
                key_results:
                  - { id: kr1, kpi: pipe, start: 0, target: 1000, weight: 50% }
                  - { id: kr1, kpi: cac, start: 30, target: 20, weight: 40% }
              - id: growth
                key_results:
                  - { id: kr1, kpi: cac, start: 30, target: 30, weight: 100% }
              - id: empty
                key_results: []
            owner: me
            """
        guard case .okrSet(let none, let problems) = check(broken) else { return XCTFail("not an OKR set") }
        XCTAssertNil(none)
        XCTAssertEqual(TestSupport.rendered(problems), [
            "f.yaml:4:7: error: key result weights of objective 'growth' sum to 90%, not 100%",
            "f.yaml:5:15: error: duplicate key result id 'kr1' in objective 'growth'",
            "f.yaml:6:9: error: duplicate objective id 'growth'\nf.yaml:2:9: note: first defined here",
            "f.yaml:8:49: error: key result 'kr1': start and target are equal, so progress is undefined",
            "f.yaml:10:18: error: objective 'empty' has no key results",
            "f.yaml:11:1: error: unknown key 'owner' in an OKR set file (it holds only 'okrs:') (allowed: okrs)",
        ])

        guard case .okrSet(let empty, let warned) = check("okrs: []\n") else { return XCTFail("not an OKR set") }
        XCTAssertEqual(empty?.count, 0)
        XCTAssertEqual(TestSupport.rendered(warned), ["f.yaml:1:1: warning: the OKR set has no objectives: a plan naming it can score none"])
    }
}
